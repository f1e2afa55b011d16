/* Progressive enhancement for the interaction forms: FAQ suggestions while typing, a new CAPTCHA on
   request, focus on the error summary. The forms work without it. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  var refresh = document.getElementById("captcha-refresh");
  if (refresh) {
    refresh.hidden = false;
    refresh.addEventListener("click", function () {
      fetch("/xinjian/yanzhengma/", { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var form = refresh.closest("form");
          form.querySelector("input[name=token]").value = data.token;
          document.getElementById("captcha-img").src = data.image;
          document.getElementById("captcha-words").textContent = data.words;
          var input = form.querySelector("input[name=captcha]");
          input.value = "";
          input.focus();
        });
    });
  }

  // A counter under each field with a limit: "已输入 N 字，最多 M 字" (the server refuses longer text).
  Array.prototype.forEach.call(document.querySelectorAll("[data-limit]"), function (el) {
    var limit = parseInt(el.getAttribute("data-limit"), 10);
    if (!limit) { return; }
    var out = document.createElement("p");
    out.className = "ix-help ix-counter";
    out.id = el.id + "_count";
    out.setAttribute("aria-live", "polite");
    el.insertAdjacentElement("afterend", out);
    var described = el.getAttribute("aria-describedby");
    el.setAttribute("aria-describedby", (described ? described + " " : "") + out.id);
    function update() {
      var n = Array.from(el.value.replace(/\r\n/g, "\n")).length;
      out.textContent = "已输入 " + n + " 字，最多 " + limit + " 字" + (n > limit ? "，超出 " + (n - limit) + " 字，请精简后再提交。" : "。");
      out.classList.toggle("ix-error", n > limit);
    }
    el.addEventListener("input", update);
    update();
  });

  var box = document.getElementById("faq-suggest");
  if (!box) { return; }
  var subject = document.getElementById("id_subject");
  var content = document.getElementById("id_content");
  var timer = null, last = "";
  function render(results) {
    box.textContent = "";
    if (!results.length) { return; }
    var h = document.createElement("h2");
    h.textContent = "这些常见问题可能已经回答了您的问题：";
    var ul = document.createElement("ul");
    results.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url; a.target = "_blank"; a.rel = "noopener";
      a.textContent = item.question + "（新窗口打开）";
      li.appendChild(a);
      var p = document.createElement("p");
      p.className = "ix-help"; p.textContent = item.answer;
      li.appendChild(p);
      ul.appendChild(li);
    });
    box.appendChild(h); box.appendChild(ul);
  }
  function lookup() {
    var q = ((subject && subject.value) || "") + " " + ((content && content.value) || "").slice(0, 200);
    q = q.trim();
    if (q.length < 4 || q === last) { return; }
    last = q;
    fetch(box.getAttribute("data-url") + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { render(data.results || []); })
      .catch(function () {});
  }
  function schedule() { clearTimeout(timer); timer = setTimeout(lookup, 500); }
  [subject, content].forEach(function (el) { if (el) { el.addEventListener("input", schedule); } });
})();
