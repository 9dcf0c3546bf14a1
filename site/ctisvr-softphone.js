// <ctisvr-softphone>, in one script tag:
//
//   <script type="module" src=".../ctisvr-softphone.js"></script>
//   <ctisvr-softphone ws-uri-a="wss://cti.example.com:9006/"></ctisvr-softphone>
//
// Importing this module loads the wasm beside it (pkg/) and defines the
// element; elements already on the page upgrade then. `ready` resolves once
// it is defined. Loading it twice, or from two copies, defines it once.
// Pages that want to choose when and from where the wasm loads import
// `init` from pkg/ctisvr_softphone.js instead (docs/element.md).
import init from "./pkg/ctisvr_softphone.js";

export { init };

/** Resolves once <ctisvr-softphone> is defined; rejects with the reason it could not be. */
export const ready = customElements.get("ctisvr-softphone")
  ? Promise.resolve()
  : init().then(
      () => undefined,
      (error) => {
        // A page without a console listener still sees why the element stays empty.
        console.error(`<ctisvr-softphone> could not start: ${error?.message ?? error}`);
        throw error;
      },
    );
