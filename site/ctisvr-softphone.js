// <ctisvr-softphone>, in one script tag:
//
//   <script type="module" src=".../ctisvr-softphone.js"></script>
//   <ctisvr-softphone ws-uri-a="wss://cti.example.com:9006/"></ctisvr-softphone>
//
// Importing this module loads the wasm and its glue beside it (pkg/) and
// defines the element; elements already on the page upgrade then. `ready`
// resolves once it is defined and rejects, with a console error, when it
// cannot be (glue or wasm missing, a server that does not send the wasm as
// application/wasm, a Content Security Policy without 'wasm-unsafe-eval').
// Loading it twice, or from two copies, defines it once. The glue is
// imported dynamically so that a missing file still reaches `ready`.

const GLUE = "./pkg/ctisvr_softphone.js";

/** Loads the wasm (`options.module_or_path`: where from) and defines the element. */
export async function init(options) {
  const { default: initWasm } = await import(GLUE);
  return initWasm(options);
}

/** Resolves once <ctisvr-softphone> is defined; rejects with the reason it could not be. */
export const ready = customElements.get("ctisvr-softphone")
  ? Promise.resolve()
  : init().then(
      () => undefined,
      (error) => {
        // A page without a rejection handler still sees why the element stays empty.
        console.error(`<ctisvr-softphone> could not start: ${error?.message ?? error}`);
        throw error;
      },
    );
