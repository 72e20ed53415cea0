/* Lists that fit: a `table.table-fold` keeps its key columns (`<th data-key="…">`) in sight and folds the other
   columns, one at a time, into a line under each row ("Label value · Label value") until the table fits its box.
   Columns fold in the order of their `data-fold` number (highest first), otherwise from the right. When the key
   columns alone are still too wide (a phone), their text may wrap. Without JavaScript the table scrolls inside
   its `.table-responsive` box as before. The fold is recomputed when the window is resized or htmx swaps rows. */
(function () {
  "use strict";

  function box(table) {
    var el = table.parentElement;
    return el && el.classList.contains("table-responsive") ? el : table.parentElement || document.body;
  }

  function overflows(table) {
    var b = box(table);
    return b.scrollWidth > b.clientWidth + 1;
  }

  function headerCells(table) {
    var rows = table.tHead ? table.tHead.rows : [];
    return rows.length ? Array.prototype.slice.call(rows[rows.length - 1].cells) : [];
  }

  function bodyRows(table) {
    var out = [];
    Array.prototype.forEach.call(table.tBodies, function (tbody) {
      Array.prototype.forEach.call(tbody.rows, function (row) {
        if (!row.classList.contains("fold-row")) out.push(row);
      });
    });
    return out;
  }

  function unfold(table) {
    table.classList.remove("fold-wrap", "is-folded");
    table.querySelectorAll("tr.fold-row").forEach(function (r) { r.remove(); });
    table.querySelectorAll(".fold-hidden").forEach(function (c) { c.classList.remove("fold-hidden"); });
    table.querySelectorAll("tr.has-fold").forEach(function (r) { r.classList.remove("has-fold"); });
  }

  // Which columns may fold, in the order they fold.
  function foldOrder(heads) {
    var cols = [];
    heads.forEach(function (th, i) {
      if (!th.hasAttribute("data-key")) cols.push({i: i, rank: parseInt(th.getAttribute("data-fold") || "0", 10)});
    });
    cols.sort(function (a, b) { return (b.rank - a.rank) || (b.i - a.i); });
    return cols.map(function (c) { return c.i; });
  }

  function render(table, heads, folded) {
    table.querySelectorAll("tr.fold-row").forEach(function (r) { r.remove(); });
    var visible = heads.length - folded.length;
    var order = folded.slice().sort(function (a, b) { return a - b; });
    heads.forEach(function (th, i) { th.classList.toggle("fold-hidden", folded.indexOf(i) >= 0); });
    bodyRows(table).forEach(function (row) {
      var cells = row.cells;
      row.classList.remove("has-fold");
      if (cells.length !== heads.length) return;  // "nothing found" rows span the table
      var parts = [];
      Array.prototype.forEach.call(cells, function (td, i) {
        var hide = folded.indexOf(i) >= 0;
        td.classList.toggle("fold-hidden", hide);
      });
      order.forEach(function (i) {
        var text = cells[i].innerHTML.trim();
        var label = heads[i].textContent.trim();
        if (!cells[i].textContent.trim() && !cells[i].querySelector("a,button,form,input")) return;
        parts.push('<span class="fold-item">' + (label ? '<span class="fold-label">' + label + "</span> " : "") + text + "</span>");
      });
      if (!parts.length) return;
      var fold = document.createElement("tr");
      fold.className = "fold-row";
      var td = document.createElement("td");
      td.colSpan = visible;
      td.innerHTML = parts.join("");
      fold.appendChild(td);
      row.classList.add("has-fold");
      row.parentNode.insertBefore(fold, row.nextSibling);
    });
  }

  function fit(table) {
    unfold(table);
    if (!overflows(table)) return;
    var heads = headerCells(table);
    var order = foldOrder(heads);
    var folded = [];
    table.classList.add("is-folded");
    for (var k = 0; k < order.length && overflows(table); k++) {
      folded.push(order[k]);
      render(table, heads, folded);
    }
    if (overflows(table)) table.classList.add("fold-wrap");
  }

  function fitAll(root) {
    (root || document).querySelectorAll("table.table-fold").forEach(fit);
    document.documentElement.setAttribute("data-fold-ready", "1");
  }

  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { fitAll(); }, 120);
  });
  document.addEventListener("htmx:afterSettle", function () { fitAll(); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { fitAll(); });
  else fitAll();
  window.ecoenforceFold = fitAll;
})();
