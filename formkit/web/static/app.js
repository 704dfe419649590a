// formkit app: optional niceties only; every form works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // A button that was pressed shows that the work is under way (and is not pressed twice).
  document.querySelectorAll("form[method='post']").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type='submit']").forEach(function (button) {
        button.setAttribute("aria-busy", "true");
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });
});

// Inlezen: files dropped anywhere on the drop area go into the file field (the form is still sent by its button).
document.addEventListener("DOMContentLoaded", function () {
  var area = document.querySelector("[data-sleepvak]");
  if (!area) { return; }
  var input = area.querySelector("input[type='file']");
  ["dragenter", "dragover"].forEach(function (name) {
    area.addEventListener(name, function (event) { event.preventDefault(); area.classList.add("actief"); });
  });
  area.addEventListener("dragleave", function () { area.classList.remove("actief"); });
  area.addEventListener("drop", function (event) {
    event.preventDefault();
    area.classList.remove("actief");
    if (event.dataTransfer && event.dataTransfer.files.length) { input.files = event.dataTransfer.files; }
  });
});
