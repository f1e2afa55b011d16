/* GovPortal public site: senior mode (长者模式) and the print button. No third-party code. */
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "gp-senior";

  function store(on) {
    try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode: cookie only */ }
    document.cookie = "gp_senior=" + (on ? "1" : "0") + "; path=/; max-age=31536000; SameSite=Lax";
  }

  var toggle = document.getElementById("senior-toggle");
  if (toggle) {
    var sync = function () {
      var on = root.classList.contains("senior");
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      toggle.textContent = on ? "退出长者模式" : "长者模式";
    };
    toggle.hidden = false;
    sync();
    toggle.addEventListener("click", function () {
      var on = !root.classList.contains("senior");
      root.classList.toggle("senior", on);
      store(on);
      sync();
    });
  }

  var printers = document.querySelectorAll("[data-print]");
  for (var i = 0; i < printers.length; i++) {
    printers[i].hidden = false;
    printers[i].addEventListener("click", function () { window.print(); });
  }
})();
