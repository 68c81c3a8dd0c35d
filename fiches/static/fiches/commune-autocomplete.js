/* Repères — commune suggestions for every field marked data-autocomplete: a native <datalist>
   (keyboard and screen-reader support come from the browser). Without JavaScript the field
   still works: the server reads a name, a postal code or an INSEE code. */
(function () {
  "use strict";
  var fields = document.querySelectorAll("input[data-autocomplete]");
  Array.prototype.forEach.call(fields, function (input, index) {
    var list = document.createElement("datalist");
    list.id = "communes-suggerees-" + index;
    input.setAttribute("list", list.id);
    input.parentNode.appendChild(list);
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      var term = input.value.trim();
      if (term.length < 2 || term === last) { return; }
      clearTimeout(timer);
      timer = setTimeout(function () {
        last = term;
        fetch(input.dataset.autocomplete + "?q=" + encodeURIComponent(term), { headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.textContent = "";
            data.results.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.value;
              option.label = item.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are optional */ });
      }, 150);
    });
  });
}());
