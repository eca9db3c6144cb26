// <board-counter>: under a text area with a maxlength, says how many characters are left.
// The text comes from the template (data-template, "{count}" replaced), so it is
// translated; screen readers hear it only when the limit is near, not at every key.
class BoardCounter extends HTMLElement {
  connectedCallback() {
    const field = this.querySelector("textarea[maxlength]");
    if (!field || this.output) return;
    this.field = field;
    this.max = Number(field.getAttribute("maxlength"));
    this.output = document.createElement("p");
    this.output.className = "counter";
    this.output.id = `${field.id}-counter`;
    field.after(this.output);
    const described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", [described, this.output.id].filter(Boolean).join(" "));
    field.addEventListener("input", () => this.update());
    this.update();
  }

  update() {
    const left = this.max - this.field.value.length;
    const template = this.dataset.template || "{count}";
    this.output.textContent = template.replace("{count}", left.toLocaleString());
    const near = left <= Math.max(50, this.max / 10);
    this.output.classList.toggle("counter-near", near);
    if (near) this.output.setAttribute("aria-live", "polite");
    else this.output.removeAttribute("aria-live");
  }
}
customElements.define("board-counter", BoardCounter);
