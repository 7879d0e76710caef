// The trustee page: runs this round of the key ceremony, or makes decryption
// shares, in this browser with UnionhallTrustee (trustee-crypto.js, built from
// booth/src/trustee.js). State and key files are read from and saved to the
// trustee's computer only; what is posted is exactly what unionhall-trustee
// would upload, and the server checks it the same way.
(function () {
  "use strict";
  var section = document.getElementById("in-browser");
  if (!section || !window.UnionhallTrustee) return;
  var T = window.UnionhallTrustee;
  var form = document.getElementById("round-form");
  var result = document.getElementById("round-result");
  var status = document.getElementById("status");
  var step = section.dataset.round;
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var ceremonyEl = document.getElementById("ceremony-data");
  var talliesEl = document.getElementById("tallies-data");
  var ceremony = ceremonyEl ? JSON.parse(ceremonyEl.textContent) : null;
  var tallies = talliesEl ? JSON.parse(talliesEl.textContent) : null;
  var upload = null; // what "send" posts, once made
  section.hidden = false;
  if (!form) return;

  function say(message, kind) {
    status.textContent = message;
    status.className = kind || "";
  }

  // Errors from the crypto code start in lower case ("wrong passphrase, ..."): make them sentences.
  function sentence(error) {
    var s = String((error && error.message) || error);
    s = s.charAt(0).toUpperCase() + s.slice(1);
    return /[.!?]$/.test(s) ? s : s + ".";
  }

  function busy(on) {
    Array.prototype.forEach.call(section.querySelectorAll("button, input"), function (el) { el.disabled = on; });
    if (on) say("Working… this takes a few seconds: the passphrase is stretched on purpose, to make guessing it slow.");
  }

  function readJsonFile(input, what) {
    var file = input.files && input.files[0];
    if (!file) return Promise.reject(new Error("Choose your " + what + "."));
    return file.text().then(function (text) {
      try { return JSON.parse(text); } catch (e) { throw new Error("That is not your " + what + " (it is not JSON)."); }
    });
  }

  // Offer `data` as a file to save, and start saving it at once.
  function offerFile(data, name) {
    var link = document.getElementById("save-file");
    link.href = URL.createObjectURL(new Blob([JSON.stringify(data)], { type: "application/json" }));
    link.download = name;
    link.click();
  }

  function post(body) {
    return fetch(section.dataset.postUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    }).then(function (r) {
      return r.json().catch(function () { return { ok: false, error: "The server did not answer (status " + r.status + "). Try again." }; });
    });
  }

  function sent(answer) {
    if (answer.ok) {
      say(answer.message + (step === "decrypt" ? "" : " Come back to this page when every trustee has done this round."), "");
      section.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    } else {
      say(answer.error, "bad");
      busy(false);
    }
  }

  var passphrase = document.getElementById("passphrase");
  var rounds = {
    "1": function () {
      var again = document.getElementById("passphrase-again");
      if (passphrase.value !== again.value) return Promise.reject(new Error("The two passphrases differ."));
      return T.keygenStart(ceremony, passphrase.value).then(function (r) {
        upload = r.upload;
        offerFile(r.stateFile, section.dataset.filePrefix + "-state.json");
        return "Your state file is made. Save it, then send round 1 (only digests are sent).";
      });
    },
    "2": function () {
      return readJsonFile(document.getElementById("state-file"), "state file").then(function (state) {
        return T.keygenReveal(ceremony, state, passphrase.value);
      }).then(function (r) {
        upload = r.upload;
        return "The server kept your digests as you made them. Send round 2.";
      });
    },
    "3": function () {
      return readJsonFile(document.getElementById("state-file"), "state file").then(function (state) {
        return T.keygenShares(ceremony, state, passphrase.value);
      }).then(function (r) {
        upload = r.upload;
        document.getElementById("fingerprint").textContent = r.fingerprint;
        return "Every trustee's commitments check out. Compare the fingerprint before you send.";
      });
    },
    "4": function () {
      return readJsonFile(document.getElementById("state-file"), "state file").then(function (state) {
        return T.keygenFinish(ceremony, state, passphrase.value);
      }).then(function (r) {
        upload = r.upload;
        document.getElementById("joint-key").textContent = r.jointKey;
        offerFile(r.keyFile, section.dataset.filePrefix + "-key.json");
        return "Your key file is made. Save it, then confirm the key.";
      });
    },
    decrypt: function () {
      return readJsonFile(document.getElementById("key-file"), "key file").then(function (key) {
        return T.decryptionShares(tallies, key, passphrase.value);
      }).then(function (shares) {
        say("Sending your decryption shares…");
        return post(shares).then(function (answer) { sent(answer); return null; });
      });
    },
  };

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    busy(true);
    rounds[step]().then(function (message) {
      if (message === null) return;
      busy(false);
      form.hidden = true;
      result.hidden = false;
      say(message, "");
      document.getElementById("send").focus();
    }).catch(function (error) {
      busy(false);
      say(sentence(error), "bad");
    });
  });

  var send = document.getElementById("send");
  if (send) {
    send.addEventListener("click", function () {
      if (!upload) return;
      busy(true);
      say("Sending…");
      post(upload).then(sent, function () { busy(false); say("Could not reach the server. Try again.", "bad"); });
    });
  }
})();
