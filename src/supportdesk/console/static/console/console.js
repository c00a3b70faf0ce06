/* Console behaviour: keyboard shortcuts, saved replies, the running timer. No build step. */
(function () {
  "use strict";

  /* Filters that apply themselves when changed (no inline handlers: the CSP forbids them). */
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });

  /* The board's periodic refresh waits while a selection or an entry is in progress
     (a listener instead of an hx-trigger filter, which htmx would have to eval). */
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.id === "board-rows" && window.consoleIdle && !window.consoleIdle()) {
      event.preventDefault();
    }
  });

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("table.board tbody tr[data-href]"));
  }

  function current() {
    return document.querySelector("table.board tbody tr.current");
  }

  function move(step) {
    var all = rows();
    if (!all.length) return;
    var index = all.indexOf(current());
    var next = all[Math.min(all.length - 1, Math.max(0, index + step))] || all[0];
    all.forEach(function (row) { row.classList.remove("current"); });
    next.classList.add("current");
    next.scrollIntoView({ block: "nearest" });
    var link = next.querySelector("a.open");
    if (link) link.focus({ preventScroll: true });
  }

  /* The board refreshes itself only while nothing is selected or being typed, so a
     refresh never throws away a selection in progress. */
  window.consoleIdle = function () {
    var form = document.getElementById("board-form");
    if (!form) return true;
    if (form.querySelector("input[name=ticket]:checked")) return false;
    var active = document.activeElement;
    return !(active && form.contains(active) && /INPUT|SELECT|TEXTAREA/.test(active.tagName) && active.type !== "checkbox");
  };

  var pendingG = false;

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (/INPUT|SELECT|TEXTAREA/.test(target.tagName) || target.isContentEditable)) {
      if (event.key === "Escape") target.blur();
      return;
    }
    var help = document.getElementById("keys-help");
    var key = event.key;
    if (pendingG) {
      pendingG = false;
      if (key === "b") { window.location.href = "/console/"; return; }
      if (key === "d") { window.location.href = "/console/my-day/"; return; }
    }
    var row = current();
    switch (key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "x":
        if (row) { var box = row.querySelector("input[type=checkbox]"); if (box) box.checked = !box.checked; }
        break;
      case "a":
        if (row) { var button = row.querySelector("button.assign-suggested"); if (button) button.click(); }
        break;
      case "t":
        var take = document.getElementById("take-it");
        if (take) take.click();
        else return;
        break;
      case "o":
      case "Enter":
        if (row) window.location.href = row.getAttribute("data-href");
        else return;
        break;
      case "/":
        var search = document.getElementById("nav-search");
        if (search) search.focus();
        break;
      case "g": pendingG = true; break;
      case "?":
        if (help && help.showModal) { help.open ? help.close() : help.showModal(); }
        break;
      default: return;
    }
    event.preventDefault();
  });

  /* Keep the current row after a live refresh of the board. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var row = current();
    event.detail.keepNumber = row ? row.getAttribute("data-number") : null;
    window.__consoleCurrent = event.detail.keepNumber;
  });
  document.addEventListener("htmx:afterSwap", function () {
    var number = window.__consoleCurrent;
    if (!number) return;
    var row = document.querySelector('table.board tr[data-number="' + number + '"]');
    if (row) row.classList.add("current");
  });

  /* A saved reply (its placeholders already filled for this ticket) is put into the message
     box, where it can be edited before sending; its file, if any, goes with the reply. */
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-insert-into]")) return;
    var option = select.options[select.selectedIndex];
    var box = document.getElementById(select.getAttribute("data-insert-into"));
    if (box && option && option.getAttribute("data-body")) {
      box.value = box.value ? box.value + "\n\n" + option.getAttribute("data-body") : option.getAttribute("data-body");
      box.focus();
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }
    var file = document.getElementById("saved-reply-file");
    if (file) {
      var name = option && option.getAttribute("data-file");
      file.hidden = !name;
      file.textContent = name ? "📎 " + name : "";
    }
  });

  /* @name in a note: staff matching what follows the @ are offered below the box (htmx);
     choosing one puts the full @handle in place of what was typed. */
  function mentionAt(box) {
    var before = box.value.slice(0, box.selectionStart);
    var match = /(^|[^\w@.])@([\w.+-]*)$/.exec(before);
    return match ? { prefix: match[2], start: before.length - match[2].length } : null;
  }
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("textarea[data-mentions]")) return;
    var list = document.getElementById(box.getAttribute("data-mention-list"));
    var at = mentionAt(box);
    if (!at) { if (list) list.innerHTML = ""; return; }
    if (window.htmx && list) {
      window.htmx.ajax("GET", box.getAttribute("data-mentions") + "?q=" + encodeURIComponent(at.prefix),
        { target: list, swap: "innerHTML" });
    }
  });
  document.addEventListener("click", function (event) {
    var pick = event.target.closest && event.target.closest(".mention-pick");
    if (!pick) return;
    var list = pick.closest(".mentions");
    var box = list && document.querySelector('textarea[data-mention-list="' + list.id + '"]');
    if (!box) return;
    var at = mentionAt(box);
    var start = at ? at.start : box.selectionStart;
    var end = box.selectionStart;
    var text = pick.getAttribute("data-handle") + " ";
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    box.focus();
    box.selectionStart = box.selectionEnd = start + text.length;
    list.innerHTML = "";
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });

  /* Tell the presence poll that a reply or note is being typed (for 15 s after a key). */
  var typingTimer = null;
  document.addEventListener("input", function (event) {
    var box = event.target;
    var flag = document.getElementById("presence-typing");
    if (!flag || !box.matches || !box.matches("#reply-body, #note-body")) return;
    flag.value = "1";
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { flag.value = "0"; }, 15000);
  });

  /* Clicking a ticket number in the caller lookup fills "add to open ticket". */
  document.addEventListener("click", function (event) {
    var pick = event.target.closest && event.target.closest(".pick-ticket");
    if (!pick) return;
    var field = document.getElementById("id_ticket");
    if (field) field.value = pick.getAttribute("data-number");
  });

  /* The running timer's minutes tick in the page; the server measures the real time. */
  function tick() {
    document.querySelectorAll(".elapsed[data-started]").forEach(function (el) {
      var started = Date.parse(el.getAttribute("data-started"));
      if (isNaN(started)) return;
      var minutes = Math.max(1, Math.ceil((Date.now() - started) / 60000));
      el.textContent = minutes + " min";
    });
  }
  setInterval(tick, 15000);
})();

// Help center: "Insert into reply" puts an article's title and link into the reply box.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-insert-article]");
  if (!button) return;
  var box = document.getElementById("reply-body");
  if (!box) return;
  var text = button.getAttribute("data-insert-article");
  box.value = box.value ? box.value.replace(/\s*$/, "") + "\n\n" + text : text;
  box.focus();
});
