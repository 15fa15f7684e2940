// Keyboard shortcuts of the inbox and the task page, in the style of
// Gmail and miniflux: j/k move the selection, o (or Enter) opens, a
// acknowledges, e resolves, r goes to the reply, ? shows the keys.
// Everything here is also a link or a button: without this script the
// pages work the same.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("#tasks tbody tr"));
  var at = -1;

  function select(i) {
    if (!rows.length) return;
    i = Math.max(0, Math.min(rows.length - 1, i));
    if (at >= 0) rows[at].classList.remove("selected");
    at = i;
    rows[at].classList.add("selected");
    rows[at].setAttribute("aria-selected", "true");
    rows[at].scrollIntoView({block: "nearest"});
    var link = rows[at].querySelector("a.open");
    if (link) link.focus({preventScroll: true});
  }

  // bulk submits the inbox's own bulk form for the selected task only,
  // so the server applies and reports it like a ticked checkbox.
  function bulk(action) {
    var form = document.getElementById("bulk");
    if (!form || at < 0) return;
    var boxes = form.querySelectorAll("input[name=id]");
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = false;
    var box = rows[at].querySelector("input[name=id]");
    if (!box) return;
    box.checked = true;
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "action";
    input.value = action;
    form.appendChild(input);
    form.submit();
  }

  function click(id) {
    var el = document.getElementById(id);
    if (el) el.click();
  }

  function help() {
    var box = document.getElementById("help");
    if (box) { box.remove(); return; }
    box = document.createElement("div");
    box.id = "help";
    box.className = "card keyhelp";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", "Keyboard shortcuts");
    var keys = [["j / k", "next / previous task"], ["o or Enter", "open the task"], ["a", "acknowledge"],
      ["e", "resolve"], ["r", "write the reply"], ["?", "show or hide this help"]];
    var dl = document.createElement("dl");
    keys.forEach(function (k) {
      var dt = document.createElement("dt"); dt.textContent = k[0];
      var dd = document.createElement("dd"); dd.textContent = k[1];
      dl.appendChild(dt); dl.appendChild(dd);
    });
    var h = document.createElement("h2"); h.textContent = "Keyboard shortcuts";
    box.appendChild(h); box.appendChild(dl);
    document.body.appendChild(box);
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var onTask = !!document.getElementById("task-page");
    switch (ev.key) {
      case "j": select(at + 1); break;
      case "k": select(at < 0 ? 0 : at - 1); break;
      case "o": case "Enter":
        if (at < 0) return;
        var link = rows[at].querySelector("a.open");
        if (link) window.location.href = link.href;
        break;
      case "a": if (onTask) click("ack"); else bulk("ack"); break;
      case "e": if (onTask) click("resolve"); else bulk("resolve"); break;
      case "r":
        if (onTask) {
          var box = document.getElementById("reply-text");
          if (box) box.focus();
        } else if (at >= 0) {
          var l = rows[at].querySelector("a.open");
          if (l) window.location.href = l.href + "#reply-text";
        }
        break;
      case "?": help(); break;
      default: return;
    }
    ev.preventDefault();
  });
  // The keys work from here on; tests wait for this after each page load
  // (a key pressed before a deferred script runs is lost).
  document.documentElement.setAttribute("data-keys", "ready");

  if (window.location.hash === "#reply-text") {
    var box = document.getElementById("reply-text");
    if (box) box.focus();
  }
})();
