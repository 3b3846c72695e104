/* kaohe shell behaviour: navigation toggle on narrow screens, toast dismissal,
   htmx defaults. No inline scripts in templates; everything hangs off data-* attributes. */
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");

  function setNav(open) {
    var toggle = document.querySelector("[data-nav-toggle]");
    document.body.classList.toggle("nav-open", open);
    if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var first = document.querySelector("#sidenav a");
      if (first) first.focus();
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    if (target.closest("[data-nav-toggle]")) {
      setNav(!document.body.classList.contains("nav-open"));
    } else if (target.closest("[data-nav-close]")) {
      setNav(false);
    } else if (target.closest("[data-toast-close]")) {
      dismiss(target.closest("[data-toast]"));
    }
    // Close the user menu when clicking elsewhere.
    document.querySelectorAll("details.usermenu[open]").forEach(function (menu) {
      if (!menu.contains(target)) menu.removeAttribute("open");
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    if (document.body.classList.contains("nav-open")) {
      setNav(false);
      var toggle = document.querySelector("[data-nav-toggle]");
      if (toggle) toggle.focus();
    }
    document.querySelectorAll("details.usermenu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });

  function dismiss(toast) {
    if (!toast) return;
    toast.classList.add("is-leaving");
    setTimeout(function () { toast.remove(); }, 220);
  }

  // Success and info toasts fade after a while; warnings and errors stay until closed.
  function armToasts(root) {
    (root || document).querySelectorAll(".toast-success[data-toast], .toast-info[data-toast]").forEach(function (toast) {
      if (toast.dataset.armed) return;
      toast.dataset.armed = "1";
      setTimeout(function () { dismiss(toast); }, 6000);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { armToasts(document); });

  // htmx: the CSRF header comes from hx-headers on <body>; keep history snapshots small
  // and let server-side 4xx validation responses swap in (forms re-render with errors).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 422 || status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) { armToasts(event.target); });
  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) {
      window.htmx.config.historyCacheSize = 5;
      window.htmx.config.includeIndicatorStyles = false;
    }
  });

  // Filters that act on change (the Content-Security-Policy forbids inline handlers):
  // <select data-autosubmit> submits its form, <select data-navigate> goes to its value,
  // <form data-navigate-form="field"> goes to that field's value instead of submitting.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    if (target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    } else if (target.hasAttribute("data-navigate") && target.value) {
      window.location.href = target.value;
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-navigate-form")) return;
    var field = form.elements[form.getAttribute("data-navigate-form")];
    if (field && field.value) {
      event.preventDefault();
      window.location.href = field.value;
    }
  });
})();
