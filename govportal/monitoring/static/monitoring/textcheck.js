/* The editor's “检查错敏信息” button: posts the form's current content to the check view and shows the
   findings in a dialog. Nothing is saved and the editor page is never left, so nothing typed is lost. */
(function () {
  "use strict";

  function dialog() {
    var d = document.getElementById("tc-dialog");
    if (d) return d;
    d = document.createElement("dialog");
    d.id = "tc-dialog";
    d.className = "tc-dialog";
    d.setAttribute("aria-labelledby", "tc-dialog-title");
    d.innerHTML =
      '<div class="tc-dialog__head"><h2 id="tc-dialog-title">错敏信息检查</h2>' +
      '<button type="button" class="button button-secondary button-small tc-close">关闭</button></div>' +
      '<div class="tc-dialog__body" aria-live="polite"></div>';
    document.body.appendChild(d);
    d.querySelector(".tc-close").addEventListener("click", function () { d.close(); });
    d.addEventListener("click", function (e) {
      var link = e.target.closest("a[href^='#tc-']");
      if (!link) return;
      e.preventDefault();
      var target = d.querySelector(link.getAttribute("href"));
      if (target) {
        target.scrollIntoView({ block: "center" });
        target.classList.add("tc-flash");
        setTimeout(function () { target.classList.remove("tc-flash"); }, 1200);
      }
    });
    return d;
  }

  function wait(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  async function run(button) {
    var form = button.closest("form") || document.querySelector("form[data-edit-form]");
    var d = dialog();
    var body = d.querySelector(".tc-dialog__body");
    body.textContent = "正在检查……";
    if (!d.open) d.showModal();
    // rich-text editors write their content into the form a moment after the last keystroke
    if (document.activeElement && document.activeElement !== button && document.activeElement.blur) {
      document.activeElement.blur();
    }
    await wait(300);
    var data = new FormData(form);
    try {
      var resp = await fetch(button.getAttribute("data-textcheck-url"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest" },
      });
      if (resp.status === 403) {
        body.textContent = "您没有检查这条信息的权限（只有可以编辑它的人才能检查）。";
      } else if (!resp.ok) {
        body.textContent = "检查没有完成（服务器返回 " + resp.status + "）。您填写的内容仍在编辑器中，没有丢失，请稍后再试。";
      } else {
        body.innerHTML = await resp.text();
      }
    } catch (err) {
      body.textContent = "无法连接服务器，检查没有完成。您填写的内容仍在编辑器中，没有丢失。";
    }
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-textcheck-url]");
    if (!button) return;
    e.preventDefault();
    run(button);
  });
})();
