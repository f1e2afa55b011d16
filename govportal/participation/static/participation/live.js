/* The interview's live stream: every 5 seconds ask for lines newer than the last one shown and add them.
   Stops when the interview has ended. Text goes in with textContent (never as HTML). */
(function () {
  "use strict";
  var list = document.getElementById("live-stream");
  if (!list || !window.fetch) { return; }
  var url = list.getAttribute("data-url");
  var last = parseInt(list.getAttribute("data-last") || "0", 10);
  var statusEl = document.getElementById("live-status");
  var timer = null;

  function line(tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) { el.className = cls; }
    el.textContent = text;
    return el;
  }

  function add(e) {
    if (list.querySelector('[data-id="' + e.id + '"]')) { return; }
    var li = document.createElement("li");
    li.className = "pp-entry";
    li.setAttribute("data-id", e.id);
    var head = document.createElement("p");
    head.className = "pp-entry-head";
    head.appendChild(line("time", "", e.time));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(line("b", "", e.speaker));
    li.appendChild(head);
    if (e.question) { li.appendChild(line("p", "pp-asked", "网友提问：" + e.question)); }
    if (e.text) { li.appendChild(line("p", "", e.text)); }
    if (e.image) {
      var img = document.createElement("img");
      img.src = e.image;
      img.alt = e.alt || "";
      img.loading = "lazy";
      li.appendChild(img);
    }
    list.appendChild(li);
    var empty = document.getElementById("live-empty");
    if (empty) { empty.parentNode.removeChild(empty); }
  }

  function poll() {
    fetch(url + "?after=" + last, { headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        data.entries.forEach(function (e) { add(e); if (e.id > last) { last = e.id; } });
        if (statusEl && data.status) { statusEl.textContent = data.status; }
        if (data.status === "已结束" && timer) { clearInterval(timer); timer = null; }
      })
      .catch(function () { /* a failed poll is retried at the next tick */ });
  }

  if (list.getAttribute("data-status") !== "已结束") {
    timer = setInterval(poll, 5000);
    poll();
  }
})();
