// Our own script: htmx failures become a visible message instead of silence, and the reason of
// an article highlight shows in one box kept inside the text column.
document.addEventListener("htmx:responseError", function (event) {
  showError("The server could not answer (" + event.detail.xhr.status + "). Please try again.");
});
document.addEventListener("htmx:sendError", function () {
  showError("The server is not reachable. Check your connection and try again.");
});
document.addEventListener("htmx:beforeRequest", function () {
  var box = document.getElementById("htmx-errors");
  if (box) { box.replaceChildren(); }
});
function showError(text) {
  var box = document.getElementById("htmx-errors");
  if (!box) { return; }
  var item = document.createElement("p");
  item.className = "message error";
  item.textContent = text;
  box.replaceChildren(item);
}

// The reason of a highlight, under it, inside the text column (never over the side panel).
function showWhy(mark) {
  var column = mark.closest("[data-tips]");
  var tip = column && column.querySelector(".why-tip");
  if (!tip || !mark.dataset.why) { return; }
  tip.textContent = mark.dataset.why;
  tip.hidden = false;
  var area = column.getBoundingClientRect();
  var box = mark.getClientRects()[0] || mark.getBoundingClientRect();
  var width = tip.offsetWidth;
  var rtl = getComputedStyle(column).direction === "rtl";
  var left = (rtl ? box.right - width : box.left) - area.left;
  left = Math.max(0, Math.min(left, column.clientWidth - width));
  tip.style.left = left + "px";
  tip.style.top = (box.bottom - area.top + 6) + "px";
  mark.setAttribute("aria-describedby", ((mark.dataset.positions || "") + " why-tip").trim());
}
function hideWhy(mark) {
  var column = mark.closest("[data-tips]");
  var tip = column && column.querySelector(".why-tip");
  if (tip) { tip.hidden = true; }
}
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-tips]").forEach(function (column) {
    column.classList.add("tips-ready");
    column.querySelectorAll("mark.hl").forEach(function (mark) {
      mark.dataset.positions = mark.getAttribute("aria-describedby") || "";
    });
    column.addEventListener("mouseover", function (event) {
      var mark = event.target.closest("mark.hl");
      if (mark) { showWhy(mark); }
    });
    column.addEventListener("mouseout", function (event) {
      var mark = event.target.closest("mark.hl");
      if (mark) { hideWhy(mark); }
    });
    column.addEventListener("focusin", function (event) {
      var mark = event.target.closest("mark.hl");
      if (mark) { showWhy(mark); }
    });
    column.addEventListener("focusout", function (event) {
      var mark = event.target.closest("mark.hl");
      if (mark) { hideWhy(mark); }
    });
    column.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { column.querySelector(".why-tip").hidden = true; }
    });
  });
});
// Evidence loaded into a panel below a long table is brought into view (the matrix, on any width).
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  if (target && target.id === "evidence-panel") {
    target.scrollIntoView({ block: "start", behavior: "smooth" });
    target.focus({ preventScroll: true });
  }
});
// A submission that was accepted empties its form; its status box comes into view.
document.addEventListener("submitted", function (event) {
  if (event.target && event.target.reset) { event.target.reset(); }
});
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  if (target && target.id === "run-slot" && target.firstElementChild) {
    target.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
});
