/* The refund form: as the seller types, ask the API's preview (the same computation as the
   refund itself) and show what this refund gives back and what remains. Without JavaScript the
   form still works: its "Preview" button asks the server, and "Refund" submits. */
(function () {
  "use strict";

  var form = document.getElementById("refund-form");
  if (!form || !window.fetch) {
    return;
  }
  document.documentElement.classList.add("js");

  var previewUrl = form.dataset.previewUrl;
  var csrfToken = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var errorsBox = document.getElementById("refund-errors");
  // Money as the server writes it (CLDR data, like Babel on the server), in the page's locale.
  // Grouping "always": Spanish CLDR data would leave 4-digit amounts ungrouped, Babel groups them.
  var moneyFormat = new Intl.NumberFormat(form.dataset.locale || document.documentElement.lang || undefined, {
    style: "currency",
    currency: form.dataset.currency,
    useGrouping: "always",
  });
  var DEBOUNCE_MS = 300;
  var timer = null;
  var sequence = 0;

  function money(value) {
    return moneyFormat.format(Number(value));
  }

  // The form speaks the seller's locale ("4,95"); the API speaks "4.95".
  function apiNumber(raw) {
    return raw.trim().replace(/\s/g, "").replace(",", ".");
  }

  function requestBody() {
    var body = { lines: [] };
    form.querySelectorAll("[data-refund-line]").forEach(function (input) {
      var raw = input.value.trim();
      if (!raw) {
        return;
      }
      var entry = { line: Number(input.dataset.refundLine) };
      if (input.dataset.refundPart === "quantity") {
        entry.quantity = /^-?\d+$/.test(raw) ? Number(raw) : raw;
      } else {
        entry.amount = apiNumber(raw);
      }
      body.lines.push(entry);
    });
    form.querySelectorAll("[data-refund-field]").forEach(function (input) {
      var raw = input.value.trim();
      if (raw) {
        body[input.dataset.refundField] = apiNumber(raw);
      }
    });
    return body;
  }

  function isEmpty(body) {
    return body.lines.length === 0 && body.amount === undefined && body.shipping_amount === undefined;
  }

  function setText(selector, text) {
    form.querySelectorAll(selector).forEach(function (element) {
      element.textContent = text;
    });
  }

  function clearFieldErrors() {
    form.querySelectorAll(".js-error").forEach(function (element) {
      element.remove();
    });
    form.querySelectorAll(".has-error").forEach(function (element) {
      element.classList.remove("has-error");
    });
  }

  function reset() {
    clearFieldErrors();
    errorsBox.textContent = "";
    setText("[data-preview-line], [data-preview-left], [data-preview]", "—");
  }

  function render(preview) {
    reset();
    var parts = {};
    preview.lines.forEach(function (part) {
      parts[part.line] = part;
    });
    preview.remaining.lines.forEach(function (line) {
      var part = parts[line.line];
      setText('[data-preview-line="' + line.line + '"]', part ? money(part.amount) : "—");
      setText('[data-preview-left="' + line.line + '"]', money(line.refundable_amount));
    });
    var items = preview.lines.reduce(function (sum, part) {
      return sum + Number(part.amount);
    }, 0);
    setText('[data-preview="items"]', money(items));
    setText('[data-preview="shipping"]', money(preview.shipping_amount));
    setText('[data-preview="total"]', money(preview.total_amount));
    setText('[data-preview="remaining"]', money(preview.remaining.total_amount));
  }

  function fieldError(input, message) {
    var holder = input.closest(".field, .input-cell");
    if (holder) {
      holder.classList.add("has-error");
    }
    var error = document.createElement("div");
    error.className = "error js-error";
    error.textContent = message;
    input.insertAdjacentElement("afterend", error);
  }

  function renderErrors(problem) {
    reset();
    var detail = document.createElement("div");
    detail.className = "error";
    detail.textContent = problem.detail || "";
    errorsBox.appendChild(detail);
    var fields = problem.fields || {};
    Object.keys(fields).forEach(function (name) {
      var input = form.querySelector('[data-refund-field="' + name + '"]');
      var messages = [].concat(fields[name]).map(function (message) {
        return typeof message === "string" ? message : JSON.stringify(message);
      });
      if (input) {
        messages.forEach(function (message) {
          fieldError(input, message);
        });
      } else if (name !== "reason") {
        messages.forEach(function (message) {
          var line = document.createElement("div");
          line.className = "error";
          line.textContent = message;
          errorsBox.appendChild(line);
        });
      }
    });
  }

  function updatePreview() {
    var body = requestBody();
    var mine = ++sequence;
    if (isEmpty(body)) {
      reset();
      return;
    }
    form.setAttribute("aria-busy", "true");
    fetch(previewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken,
      },
      body: JSON.stringify(body),
    })
      .then(function (response) {
        return response.json().then(function (json) {
          return { ok: response.ok, json: json };
        });
      })
      .then(function (result) {
        if (mine !== sequence) {
          return; // a newer preview is on its way
        }
        form.dataset.previewState = result.ok ? "ok" : "error";
        if (result.ok) {
          render(result.json);
        } else {
          renderErrors(result.json);
        }
      })
      .catch(function () {
        /* Offline or server error: the seller can still submit; the server checks again. */
      })
      .finally(function () {
        if (mine === sequence) {
          form.removeAttribute("aria-busy");
        }
      });
  }

  form.addEventListener("input", function (event) {
    if (event.target.disabled || !event.target.matches("[data-refund-line], [data-refund-field]")) {
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(updatePreview, DEBOUNCE_MS);
  });

  // A disabled form (the order cannot be refunded: window over, not shipped, nothing left)
  // already says why above it; a preview would only print the same refusal a second time.
  var disabled = form.querySelector("fieldset[disabled]") !== null;
  if (!disabled && !isEmpty(requestBody())) {
    updatePreview(); // a form re-rendered with errors: show its breakdown straight away
  }
})();
