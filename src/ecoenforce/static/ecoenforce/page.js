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

  /* A long list to choose from (select[data-searchable], e.g. counties for a user who sees the whole country) gets
     a search box above it: each word typed must appear in an option's label (常州 武进) or start its value (a
     division code); the other options are hidden, and a single match is chosen. */
  function searchable(select) {
    if (select.options.length <= 15 || select.getAttribute("data-search-ready")) { return; }
    select.setAttribute("data-search-ready", "1");
    var input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm mb-1";
    input.placeholder = select.getAttribute("data-searchable") || "";
    input.setAttribute("aria-label", input.placeholder);
    input.setAttribute("data-testid", "select-search");
    select.parentNode.insertBefore(input, select);
    input.addEventListener("input", function () {
      var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean), matches = [];
      Array.prototype.forEach.call(select.options, function (option) {
        var label = option.text.toLowerCase();
        var show = !option.value || words.every(function (w) { return label.indexOf(w) >= 0 || option.value.indexOf(w) === 0; });
        option.hidden = !show;
        if (show && option.value) { matches.push(option); }
      });
      if (words.length && matches.length === 1 && select.value !== matches[0].value) {
        select.value = matches[0].value;
        select.dispatchEvent(new Event("change", {bubbles: true}));  // as if chosen by hand (the tip map follows it)
      }
    });
  }
  function enhance(root) { Array.prototype.forEach.call(root.querySelectorAll("select[data-searchable]"), searchable); }
  enhance(document);
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
