// Live countdown of emergency deadlines: elements with data-due (unix seconds) and no data-done.
(function () {
  function tick() {
    var now = Date.now() / 1000;
    document.querySelectorAll(".pub-countdown[data-due]").forEach(function (el) {
      if (el.dataset.done) return;
      var left = Math.round(parseFloat(el.dataset.due) - now);
      var over = left < 0;
      var s = Math.abs(left);
      var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
      el.textContent = (over ? "已超时 " : "剩余 ") + h + " 小时 " + m + " 分 " + sec + " 秒";
      el.classList.toggle("overdue", over);
      var hours = parseFloat(el.dataset.hours || "0");
      el.classList.toggle("soon", !over && hours > 0 && left <= hours * 900);
    });
  }
  tick();
  setInterval(tick, 1000);
})();
