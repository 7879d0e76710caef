/* Q&A event page: poll the questions every few seconds and vote without
 * leaving the page. Without this script the page works with its reload link.
 * Everything members wrote is set with textContent, never as HTML. */
(function () {
  "use strict";
  var list = document.getElementById("questions");
  if (!list || !window.fetch) return;
  var POLL_MS = 3000;
  var pollUrl = list.dataset.pollUrl;
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = tokenInput ? tokenInput.value : "";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function form(className, action, buttons) {
    var f = el("form", className);
    f.method = "post";
    f.action = action;
    buttons.forEach(function (b) {
      var button = el("button", "btn-secondary", b.label);
      button.type = "submit";
      if (b.action) { button.name = "action"; button.value = b.action; }
      f.appendChild(button);
    });
    return f;
  }

  function questionItem(q, data) {
    var li = el("li", "card question");
    li.id = "q-" + q.id;
    var meta = el("p", "hint");
    meta.appendChild(el("strong", "q-author", q.author));
    if (q.pseudonym) {
      // Read and copied as "(pseudonym)", as the server-rendered badge is.
      var tag = el("span", "tag tag-pseudonym");
      tag.appendChild(el("span", "visually-hidden", "("));
      tag.appendChild(document.createTextNode("pseudonym"));
      tag.appendChild(el("span", "visually-hidden", ")"));
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(tag);
    }
    if (q.pinned) { meta.appendChild(document.createTextNode(" ")); meta.appendChild(el("span", "tag q-pinned", "pinned")); }
    if (q.answered) { meta.appendChild(document.createTextNode(" ")); meta.appendChild(el("span", "tag tag-active q-answered", "answered")); }
    li.appendChild(meta);
    li.appendChild(el("p", "q-body", q.body));
    var votes = el("p");
    var count = el("span", "q-votes", String(q.votes));
    count.dataset.votes = String(q.votes);
    votes.appendChild(count);
    votes.appendChild(document.createTextNode(q.votes === 1 ? " vote" : " votes"));
    li.appendChild(votes);
    if (!q.voted && !q.answered && !data.ended) li.appendChild(form("q-vote", q.vote_url, [{ label: "Vote up" }]));
    if (data.can_run) {
      li.appendChild(form("q-moderate", q.moderate_url, [
        { label: q.answered ? "Reopen" : "Mark answered", action: q.answered ? "reopen" : "answered" },
        { label: q.pinned ? "Unpin" : "Pin", action: q.pinned ? "unpin" : "pin" },
        { label: "Hide", action: "hide" },
      ]));
    }
    return li;
  }

  function render(data) {
    var focused = document.activeElement && list.contains(document.activeElement);
    if (focused) return; // do not pull a form out from under someone using it
    var items = data.questions.map(function (q) { return questionItem(q, data); });
    if (!items.length) items = [el("li", "q-none", "No questions yet. Be the first to ask.")];
    list.replaceChildren.apply(list, items);
  }

  function poll() {
    return fetch(pollUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) render(data); })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  list.addEventListener("submit", function (event) {
    var f = event.target;
    if (!f.classList.contains("q-vote") && !f.classList.contains("q-moderate")) return;
    event.preventDefault();
    var body = new FormData(f);
    if (event.submitter && event.submitter.name) body.append(event.submitter.name, event.submitter.value);
    fetch(f.action, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" } })
      .then(function () { document.activeElement.blur(); return poll(); });
  });

  document.getElementById("qa-reload").hidden = true;
  document.getElementById("qa-live").hidden = false;
  window.setInterval(poll, POLL_MS);
})();
