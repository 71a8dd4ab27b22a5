// Keeps mermaid diagrams readable on narrow screens.
//
// mermaid scales each diagram down to the width of the text column, so a wide
// flowchart on a phone draws its labels 4 px high. Here a diagram may shrink to
// three quarters of its natural size and no further; past that its box scrolls
// sideways (book.css), and the text stays readable.
(() => {
    const MIN_SCALE = 0.75;

    const fit = (svg) => {
        const box = svg.viewBox && svg.viewBox.baseVal;
        if (box && box.width > 0) {
            svg.style.minWidth = `${Math.round(box.width * MIN_SCALE)}px`;
        }
    };

    // mermaid renders after the page's load event and swaps the text of each
    // `pre.mermaid` for an <svg>: size each one as it arrives.
    const observer = new MutationObserver(() => {
        document.querySelectorAll('pre.mermaid > svg').forEach(fit);
    });
    document.querySelectorAll('pre.mermaid').forEach((pre) => {
        observer.observe(pre, { childList: true });
    });
    document.querySelectorAll('pre.mermaid > svg').forEach(fit);
})();
