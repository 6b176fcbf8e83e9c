// carousel console: the two things a plain form cannot do.
// 1. Lead lists update themselves: every 5 s the rows fragment is fetched
//    and swapped in when it changed.
// 2. The template editor previews as you type (debounced), through the same
//    checks as `carousel check`.
// Without JavaScript both pages still work: reload, or press "Preview".
(function () {
  "use strict";
  var table = document.querySelector("table[data-poll]");
  if (table) {
    var body = document.getElementById("lead-rows");
    var last = body.innerHTML;
    setInterval(function () {
      fetch(table.getAttribute("data-poll"), { credentials: "same-origin" })
        .then(function (r) {
          // Signed out meanwhile: show the login page instead of pasting it in.
          if (r.redirected) { window.location.reload(); return null; }
          var count = r.headers.get("X-Lead-Count");
          if (r.ok && count !== null) { document.getElementById("count").textContent = count; }
          return r.ok ? r.text() : null;
        })
        .then(function (html) {
          if (html !== null && html !== last) { body.innerHTML = html; last = html; }
        })
        .catch(function () {});
    }, 5000);
  }
  var editor = document.getElementById("editor");
  if (editor) {
    var target = document.getElementById("preview");
    var timer = null;
    var seq = 0;
    var refresh = function () {
      var mine = ++seq;
      var data = new URLSearchParams(new FormData(editor));
      fetch(editor.getAttribute("data-preview"), {
        method: "POST", credentials: "same-origin", body: data,
        headers: { "X-Console-Fragment": "1" }
      })
        .then(function (r) { return r.text(); })
        .then(function (html) { if (mine === seq) { target.innerHTML = html; } })
        .catch(function () {});
    };
    editor.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
  }
})();
