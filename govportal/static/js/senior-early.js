/* Senior mode (长者模式) before the first paint: loaded synchronously in <head> so that the page does not
   flash in the normal size. A file, not an inline script: the public site's CSP allows no inline script. */
try {
  if (localStorage.getItem("gp-senior") === "1" || document.cookie.indexOf("gp_senior=1") > -1) {
    document.documentElement.classList.add("senior");
  }
} catch (e) { /* storage blocked: the cookie alone decides, in portal.js */ }
