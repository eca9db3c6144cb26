// <atlas-auto-submit>: submits the form inside it when a field changes, so that the
// suggestions' ranking follows the weights without a click. Without JavaScript the
// form's own button does the same.
class AtlasAutoSubmit extends HTMLElement {
  connectedCallback() {
    const form = this.querySelector("form");
    if (!form) return;
    form.addEventListener("change", () => form.requestSubmit());
  }
}
customElements.define("atlas-auto-submit", AtlasAutoSubmit);
