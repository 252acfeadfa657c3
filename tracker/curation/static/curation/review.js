// Review queue keyboard and selection helpers. Loaded as a static file: the
// Content-Security-Policy allows no inline script.
(function () {
  "use strict";

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll(".review-item:not(.decided)"));
  }

  function current() {
    var active = document.activeElement;
    var item = active && active.closest ? active.closest(".review-item:not(.decided)") : null;
    return item || items()[0] || null;
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName) && target.type !== "checkbox" && target.tagName !== "BUTTON");
  }

  document.addEventListener("keydown", function (event) {
    // Esc in an edit form cancels the edit (its Cancel link asks for the position without the form).
    if (event.key === "Escape" && event.target.closest) {
      var editing = event.target.closest(".edit-form");
      var cancel = editing && editing.querySelector("a.cancel");
      if (cancel) {
        cancel.click();
        event.preventDefault();
        return;
      }
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var list = items();
    var item = current();
    if (!item) return;
    var at = list.indexOf(item);
    var key = event.key.toLowerCase();
    if (key === "j" || key === "k") {
      var next = list[Math.max(0, Math.min(list.length - 1, at + (key === "j" ? 1 : -1)))];
      if (next) next.focus();
      event.preventDefault();
    } else if (key === "x") {
      var box = item.querySelector("input[type=checkbox]");
      if (box) box.checked = !box.checked;
      event.preventDefault();
    } else {
      var control = item.querySelector("[data-key='" + key + "']");
      if (control) {
        control.click();
        event.preventDefault();
      }
    }
  });

  // After a decision, keep the keyboard on the next position waiting for review.
  // htmx:load fires on the new row (the old one, and the form that asked, are gone by then).
  document.addEventListener("htmx:load", function (event) {
    var row = event.target;
    if (!row || !row.classList || !row.classList.contains("review-item")) return;
    if (row.classList.contains("decided")) {
      var after = row.nextElementSibling;
      while (after && !(after.classList.contains("review-item") && !after.classList.contains("decided"))) {
        after = after.nextElementSibling;
      }
      var next = after || items()[0];
      if (next) next.focus();
    } else {
      var field = row.querySelector("input[type=search], select, input:not([type=hidden]):not([type=checkbox])");
      if (field) field.focus();
    }
  });

  // Selecting words in a sentence fills the alias form with them and their article.
  document.addEventListener("mouseup", function () {
    var selection = window.getSelection ? window.getSelection() : null;
    if (!selection || selection.isCollapsed) return;
    var text = selection.toString().trim();
    var node = selection.anchorNode && (selection.anchorNode.nodeType === 1 ? selection.anchorNode : selection.anchorNode.parentElement);
    var holder = node && node.closest ? node.closest("[data-article]") : null;
    if (!text || !holder) return;
    var field = document.getElementById("alias-text") || document.getElementById("id_text");
    var article = document.getElementById("alias-article");
    var language = document.getElementById("alias-language");
    if (field) field.value = text.slice(0, 200);
    if (article) article.value = holder.getAttribute("data-article");
    if (language && holder.getAttribute("data-language") !== "unknown") language.value = holder.getAttribute("data-language");
  });
})();
