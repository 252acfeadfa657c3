// The only script of our own: htmx failures become a visible message instead of silence.
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
