// <atlas-search>: suggestions as you type for the search form inside it, following the ARIA
// combobox pattern with a listbox popup: arrow keys choose, Enter opens, Escape closes.
// Without JavaScript the form is a plain GET form to the results page, and so it stays
// when the suggestions cannot be fetched. The texts come from <template id="search-strings">
// in the page, translated there; names and places are inserted as text, never as HTML.
//
// With data-pick-into="<id of a hidden input>" it picks a municipality for a form instead
// (the partner of a proposed partnership): it offers places only, and choosing one puts
// its name in the text input and its slug in the hidden input, which typing clears again.
// Without JavaScript the server finds the place by the name typed.
(() => {
  "use strict";

  const DELAY_MS = 150;
  const MIN_LENGTH = 2;
  const SEARCHABLE = /[\p{L}\p{N}]/u;
  let instances = 0;

  function readStrings() {
    const strings = {};
    const template = document.getElementById("search-strings");
    if (template) {
      for (const span of template.content.querySelectorAll("[data-key]")) {
        strings[span.dataset.key] = span.textContent.trim();
      }
    }
    return strings;
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
  }

  function span(className, text) {
    const element = document.createElement("span");
    element.className = className;
    element.textContent = text;
    return element;
  }

  class AtlasSearch extends HTMLElement {
    connectedCallback() {
      if (this.input) return;
      this.pickInto = this.dataset.pickInto ? document.getElementById(this.dataset.pickInto) : null;
      this.form = this.pickInto ? this.pickInto.form : this.querySelector("form");
      this.input = this.querySelector(this.pickInto ? 'input[type="text"]' : 'input[name="q"]');
      if (!this.form || !this.input || !this.dataset.suggestUrl) return;
      this.strings = readStrings();
      // A picker says what choosing does: data-available and data-picked override the texts.
      if (this.dataset.available) this.strings.available = this.dataset.available;
      if (this.dataset.picked) this.strings.picked = this.dataset.picked;
      this.cache = new Map();
      this.sequence = 0;
      this.options = [];
      this.active = -1;

      const id = this.input.id || `atlas-search-${++instances}`;
      this.input.id = id;
      this.listbox = document.createElement("ul");
      this.listbox.id = `${id}-listbox`;
      this.listbox.className = "suggestions";
      this.listbox.setAttribute("role", "listbox");
      this.listbox.setAttribute("aria-label", this.strings.label || "");
      this.listbox.hidden = true;
      this.status = document.createElement("div");
      this.status.className = "visually-hidden";
      this.status.setAttribute("role", "status");
      this.append(this.listbox, this.status);

      const input = this.input;
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", this.listbox.id);
      input.setAttribute("autocomplete", "off");
      input.setAttribute("spellcheck", "false");

      input.addEventListener("input", () => {
        if (this.pickInto) this.pickInto.value = "";
        this.schedule();
      });
      input.addEventListener("keydown", (event) => this.onKeydown(event));
      input.addEventListener("focus", () => {
        if (this.options.length && input.value.trim() === this.shownQuery) this.open();
      });
      this.addEventListener("focusout", (event) => {
        if (!this.contains(event.relatedTarget)) this.close();
      });
      // Keep the focus in the input when an option is pressed, then follow it.
      this.listbox.addEventListener("mousedown", (event) => event.preventDefault());
      this.listbox.addEventListener("click", (event) => {
        const option = event.target.closest('[role="option"]');
        if (option) this.follow(option);
      });
    }

    schedule() {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.suggest(), DELAY_MS);
    }

    async suggest() {
      const query = this.input.value.trim();
      const sequence = ++this.sequence;
      const maxLength = Number(this.input.getAttribute("maxlength")) || 200;
      if (query.length < MIN_LENGTH || query.length > maxLength || !SEARCHABLE.test(query)) {
        this.clear();
        return;
      }
      let data = this.cache.get(query);
      if (!data) {
        try {
          const url = `${this.dataset.suggestUrl}?${new URLSearchParams({ q: query })}`;
          const response = await fetch(url, { headers: { Accept: "application/json" } });
          const body = await response.json();
          data = response.ok ? body : { results: [], error: body.error || this.strings.error };
          if (response.ok) this.cache.set(query, data);
        } catch {
          data = { results: [], error: this.strings.error };
        }
      }
      // A later keystroke has asked since: its answer is the one to show.
      if (sequence !== this.sequence) return;
      this.render(query, data);
    }

    render(query, data) {
      const items = [];
      const results = data.results || [];
      const suggestionShown = results.some(
        (result) => result.name === data.suggestion || result.matched_name === data.suggestion,
      );
      if (data.suggestion && !suggestionShown && !this.pickInto) {
        items.push({
          url: `${this.form.getAttribute("action")}?${new URLSearchParams({ q: data.suggestion })}`,
          parts: [span("suggestion-name", fill(this.strings.didYouMean || "{suggestion}?", {
            suggestion: data.suggestion,
          }))],
          className: "suggestion-did-you-mean",
        });
      }
      for (const result of results) {
        if (this.pickInto && result.type !== "municipality") continue;
        const parts = [span("suggestion-name", result.name)];
        if (result.matched_name) parts.push(span("suggestion-also", ` (${result.matched_name})`));
        let meta = result.detail || "";
        if (result.type === "municipality") {
          meta = [result.country, result.detail].filter(Boolean).join(" · ");
          parts.unshift(span("suggestion-flag", result.flag));
          parts[0].setAttribute("aria-hidden", "true");
        } else {
          meta = [this.strings[result.type], result.detail].filter(Boolean).join(" · ");
        }
        if (meta) parts.push(span("suggestion-meta", meta));
        items.push({ url: result.url, name: result.name, parts, className: `suggestion-${result.type}` });
      }
      const resultCount = items.length;
      if (!this.pickInto) items.push({
        url: data.search_url || `${this.form.getAttribute("action")}?${new URLSearchParams({ q: query })}`,
        parts: [span("suggestion-name", fill(this.strings.all || "{query}", { query }))],
        className: "suggestion-all",
      });

      this.listbox.replaceChildren();
      this.options = items.map((item, number) => {
        const option = document.createElement("li");
        option.id = `${this.listbox.id}-${number}`;
        option.className = item.className;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.url = item.url;
        if (item.name) option.dataset.name = item.name;
        option.append(...item.parts);
        this.listbox.append(option);
        return option;
      });
      this.shownQuery = query;
      this.active = -1;
      this.input.removeAttribute("aria-activedescendant");
      this.status.textContent = data.error
        ? data.error
        : resultCount
          ? this.strings.available || ""
          : this.strings.none || "";
      if (document.activeElement === this.input) this.open();
    }

    onKeydown(event) {
      const isOpen = !this.listbox.hidden;
      switch (event.key) {
        case "ArrowDown":
        case "ArrowUp":
          if (!this.options.length) return;
          event.preventDefault();
          if (!isOpen) this.open();
          this.move(event.key === "ArrowDown" ? 1 : -1);
          break;
        case "Enter":
          if (isOpen && this.active >= 0) {
            event.preventDefault();
            this.follow(this.options[this.active]);
          }
          break;
        case "Escape":
          if (isOpen) {
            event.preventDefault();
            this.close();
          } else if (this.input.value) {
            event.preventDefault();
            this.input.value = "";
            this.clear();
          }
          break;
        case "Tab":
          this.close();
          break;
        default:
          break;
      }
    }

    move(step) {
      const count = this.options.length;
      // From the input (-1) down to the first option, up from it back to the input.
      let next = this.active + step;
      if (next >= count) next = -1;
      if (next < -1) next = count - 1;
      this.select(next);
    }

    select(number) {
      if (this.active >= 0) this.options[this.active].setAttribute("aria-selected", "false");
      this.active = number;
      if (number < 0) {
        this.input.removeAttribute("aria-activedescendant");
        return;
      }
      const option = this.options[number];
      option.setAttribute("aria-selected", "true");
      this.input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }

    follow(option) {
      this.close();
      if (this.pickInto) {
        // The slug is the last part of the place's address, /<lang>/municipalities/<slug>/.
        this.pickInto.value = option.dataset.url.split("/").filter(Boolean).pop();
        this.input.value = option.dataset.name;
        this.shownQuery = undefined;
        this.status.textContent = fill(this.strings.picked || "{name}", { name: option.dataset.name });
        return;
      }
      window.location.assign(option.dataset.url);
    }

    open() {
      if (!this.options.length) return;
      this.listbox.hidden = false;
      this.input.setAttribute("aria-expanded", "true");
    }

    close() {
      this.select(-1);
      this.listbox.hidden = true;
      this.input.setAttribute("aria-expanded", "false");
    }

    clear() {
      this.close();
      this.options = [];
      this.shownQuery = undefined;
      this.listbox.replaceChildren();
      this.status.textContent = "";
    }
  }

  customElements.define("atlas-search", AtlasSearch);
})();
