// Live preview beside the bulletin editor: the server renders the summary and
// the Markdown body exactly as members will see them (sanitised), a moment
// after the writer stops typing. Without JS the "Save and preview" button
// shows the same.
(function () {
  "use strict";
  var form = document.getElementById("bulletin-form");
  var out = document.getElementById("live-preview");
  if (!form || !out || !window.fetch) return;
  var summary = form.querySelector("[name=summary]");
  var body = form.querySelector("[name=body]");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var timer = null;

  function refresh() {
    var data = new URLSearchParams();
    data.append("summary", summary ? summary.value : "");
    data.append("body", body ? body.value : "");
    fetch(form.dataset.previewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: data.toString(),
    }).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
      if (html !== null) out.innerHTML = html;  // sanitised by the server, as when published
    });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  }

  [summary, body].forEach(function (el) { if (el) el.addEventListener("input", later); });
  if ((summary && summary.value) || (body && body.value)) refresh();
})();
