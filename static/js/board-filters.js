// <board-filters>: on a narrow screen the board's filters start folded (a <details> the
// visitor opens), so the entries come first; when filters are in use they stay open.
// Without JavaScript they are always open.
class BoardFilters extends HTMLElement {
  connectedCallback() {
    const details = this.querySelector("details");
    if (!details || details.hasAttribute("data-filtered")) return;
    if (window.matchMedia("(max-width: 820px)").matches) details.open = false;
  }
}
customElements.define("board-filters", BoardFilters);
