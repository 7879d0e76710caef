// The voting booth: reads the choices, encrypts them in this browser with
// UnionhallBooth (booth-crypto.js, built from booth/src), then either casts
// the encrypted vote or, if the voter asks, reveals how it was made so the
// server can show that it matches (Benaloh's cast-or-audit).
(function () {
  "use strict";
  var form = document.getElementById("booth");
  if (!form) return;
  var data = JSON.parse(document.getElementById("booth-data").textContent);
  var sealed = document.getElementById("sealed");
  var outcome = document.getElementById("outcome");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var current = null;

  function choices() {
    // One list per question: 1 for each chosen option, 0 otherwise, in manifest order.
    return Array.prototype.map.call(form.querySelectorAll("fieldset.question"), function (fs, i) {
      var options = data.manifest.questions[i].options.length;
      var picked = Array.prototype.map.call(fs.querySelectorAll("input:checked"), function (input) { return Number(input.value); });
      var row = [];
      for (var k = 0; k < options; k++) row.push(picked.indexOf(k) >= 0 ? 1 : 0);
      return row;
    });
  }

  function problem(row, i) {
    var q = data.manifest.questions[i];
    var n = row.reduce(function (a, b) { return a + b; }, 0);
    if (n < q.min_selections) return "Answer: " + q.title;
    if (n > q.max_selections) return "Choose at most " + q.max_selections + ": " + q.title;
    return null;
  }

  function show(el, html) { el.innerHTML = html; el.hidden = false; el.focus && el.focus(); }
  function text(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }

  function post(url, body, anonymous) {
    return fetch(url, {
      method: "POST",
      headers: anonymous ? { "Content-Type": "application/json" } : { "Content-Type": "application/json", "X-CSRFToken": csrf },
      // The audit check goes without cookies, so it is not tied to the voter.
      credentials: anonymous ? "omit" : "same-origin",
      body: JSON.stringify(body),
    }).then(function (r) { return r.json().then(function (j) { j.status = r.status; return j; }); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var rows = choices();
    var errors = rows.map(problem).filter(Boolean);
    if (errors.length) { show(outcome, "<p class='bad'>" + errors.map(text).join("<br>") + "</p>"); return; }
    outcome.hidden = true;
    current = window.UnionhallBooth.encryptBallot(data.manifest, data.jointKey, data.alias, rows);
    document.getElementById("tracker").textContent = current.tracker;
    showChoices();
    form.hidden = true;
    sealed.hidden = false;
    document.getElementById("sealed-heading").focus();
  });

  // What is about to be cast, in the words of the form, to read before casting.
  function showChoices() {
    var list = document.getElementById("your-choices");
    list.textContent = "";
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.question"), function (fs) {
      var picked = Array.prototype.map.call(fs.querySelectorAll("input:checked"), function (input) { return input.parentNode.textContent.trim(); });
      // A question and its answer as a pair (GOV.UK's "check your answers"), not "Question?: Yes".
      var question = document.createElement("dt"), answer = document.createElement("dd");
      question.textContent = fs.querySelector("legend").textContent.trim();
      answer.textContent = picked.length ? picked.join(", ") : "No choice";
      list.appendChild(question);
      list.appendChild(answer);
    });
  }

  // Going back throws this encryption away (it was never cast); the choices stay as they were.
  document.getElementById("change").addEventListener("click", function () {
    current = null;
    sealed.hidden = true;
    form.hidden = false;
    form.querySelector("#encrypt").focus();
  });

  // With voter credentials: the code from the authority's letter becomes the
  // signing key here, in the browser, and signs this encrypted vote.
  function signed(button) {
    if (!data.credentialAuthority) return current.ballot;
    var input = document.getElementById("credential-code");
    var error = document.getElementById("credential-error");
    error.hidden = true;
    try {
      var s = window.UnionhallCredentials.signBallot(data.manifest, data.jointKey, current.ballot, input.value);
      return { ballot: current.ballot, credential: s.credential, signature: s.signature };
    } catch (e) {
      error.textContent = e.reason === "bad-code"
        ? "That code is not right: check each character against the letter from " + data.credentialAuthority + "."
        : "The vote could not be signed.";
      error.hidden = false;
      input.focus();
      button.disabled = false;
      return null;
    }
  }

  document.getElementById("cast").addEventListener("click", function () {
    if (!current) return;
    this.disabled = true;
    var body = signed(this);
    if (!body) return;
    post(form.action, body).then(function (answer) {
      sealed.hidden = true;
      if (answer.ok) {
        show(outcome, "<h2>Your vote is cast</h2><p>Tracker <code class='tracker'>" + text(answer.tracker) +
          "</code>. We have emailed it to you too.</p><p><a href='" + text(answer.board) + "'>Find it in the ballot box</a> · <a href='" +
          text(form.dataset.detailUrl) + "'>Back to the ballot</a></p>");
      } else {
        show(outcome, "<h2>Your vote was not accepted</h2><p class='bad'>" + text(answer.error) + "</p>");
      }
    });
  });

  document.getElementById("audit").addEventListener("click", function () {
    if (!current) return;
    var checked = current;
    current = null;  // a ballot whose secrets are revealed must never be cast
    post(form.dataset.auditUrl, { ballot: checked.ballot, secrets: checked.auditSecrets }, true).then(function (answer) {
      sealed.hidden = true;
      form.hidden = false;
      form.querySelector("#encrypt").textContent = "Encrypt my vote again";
      // Only a 422 says the encryption did not match; any other refusal means the check was not made.
      var heading = answer.ok ? "The booth is honest" : answer.status === 422 ? "Warning: the booth cheated" : "The check was not made";
      show(outcome, "<h2>" + heading + "</h2><p class='" + (answer.ok ? "" : "bad") + "'>" +
        text(answer.ok ? answer.message : answer.error) + "</p>" +
        (answer.ok ? "<p><a href='" + text(answer.board) + "'>See it in the ballot box</a></p>" : "") +
        "<p>That encrypted vote was spoilt, not cast. Choose again and cast a fresh one.</p>");
    });
  });
})();
