// Filters the book list as the reader types (progressive enhancement: the list works without it).
(function () {
  "use strict";
  var input = document.getElementById("book-filter");
  if (!input) {
    return;
  }
  var books = Array.prototype.slice.call(document.querySelectorAll(".book"));
  input.addEventListener("input", function () {
    var needle = input.value.trim().toLowerCase();
    books.forEach(function (book) {
      var haystack = (book.getAttribute("data-search") || "").toLowerCase();
      book.hidden = needle !== "" && haystack.indexOf(needle) === -1;
    });
  });
})();
//# sourceMappingURL=app.js.map
