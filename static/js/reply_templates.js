/* The reply box's template picker: typing "/" at the start of a word opens a search over the
   shop's and the marketplace's reply templates (suggested ones for the conversation's reason
   first). Choosing one replaces "/words" with the template already filled from the order, says
   which variables the order could not fill (they must be completed before sending: the server
   refuses them too), and names the files that will be sent with it. Without JavaScript the
   "Templates:" links under the box do the same through the server. */
(function () {
  "use strict";

  var picker = document.querySelector("[data-template-picker]");
  if (!picker || !window.fetch) {
    return;
  }
  var form = picker.closest("form");
  var body = form.querySelector("textarea[name=body]");
  var templateInput = form.querySelector("input[name=template]");
  var results = picker.querySelector("[data-template-results]");
  var search = picker.querySelector("[data-template-search]");
  var missingBox = form.querySelector("[data-template-missing]");
  var filesBox = form.querySelector("[data-template-files]");
  var TRIGGER = /(^|\s)\/([^\s\/]*)$/;
  var items = [];
  var active = -1;
  var slash = null; // where the "/" typed in the message starts
  var timer = null;

  function close() {
    picker.hidden = true;
    items = [];
    active = -1;
    slash = null;
  }

  function render() {
    results.textContent = "";
    if (!items.length) {
      var empty = document.createElement("li");
      empty.className = "muted";
      empty.textContent = picker.dataset.empty;
      results.appendChild(empty);
      return;
    }
    items.forEach(function (item, index) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", index === active ? "true" : "false");
      var name = document.createElement("strong");
      name.textContent = (item.suggested ? "★ " : "") + item.name + " (" + item.language + ")";
      var preview = document.createElement("small");
      preview.textContent = " " + item.body.slice(0, 120);
      li.appendChild(name);
      li.appendChild(preview);
      li.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(index);
      });
      results.appendChild(li);
    });
  }

  function load(query) {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var url = picker.dataset.url + "?q=" + encodeURIComponent(query);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          items = data.results || [];
          active = items.length ? 0 : -1;
          picker.hidden = false;
          render();
        })
        .catch(close);
    }, 150);
  }

  function choose(index) {
    var item = items[index];
    if (!item) {
      return;
    }
    var caret = body.selectionStart;
    var start = slash === null ? caret : slash;
    body.value = body.value.slice(0, start) + item.body + body.value.slice(caret);
    body.selectionStart = body.selectionEnd = start + item.body.length;
    templateInput.value = item.id;
    missingBox.textContent = item.missing_text;
    missingBox.hidden = !item.missing_text;
    filesBox.textContent = item.attachments.length ? "📎 " + item.attachments.join(", ") : "";
    filesBox.hidden = !item.attachments.length;
    close();
    body.focus();
  }

  body.addEventListener("input", function () {
    var before = body.value.slice(0, body.selectionStart);
    var match = TRIGGER.exec(before);
    if (!match) {
      close();
      return;
    }
    slash = before.length - match[2].length - 1;
    load(match[2]);
  });

  search.addEventListener("input", function () {
    load(search.value);
  });

  function keys(event) {
    if (picker.hidden || !items.length) {
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      active = (active + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      render();
    } else if (event.key === "Enter") {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape") {
      close();
    }
  }
  body.addEventListener("keydown", keys);
  search.addEventListener("keydown", keys);
})();
