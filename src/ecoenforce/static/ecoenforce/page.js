/* Small behaviours every page may use, declared in the markup instead of inline handlers (the
   Content-Security-Policy forbids inline scripts): a select that submits its form when changed, a "go back"
   link. Loaded by base.html. */
(function () {
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) { el.form.submit(); }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-history-back]");
    if (link && window.history.length > 1) { event.preventDefault(); window.history.back(); }
  });
})();
