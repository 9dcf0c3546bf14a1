// Forged messages to the adapter frame (issue 13, docs/security.md).
//
// Salesforce's Open CTI library is the only code in the adapter frame that
// listens to the window's `message` events: it takes messages from the
// origin Salesforce named (`sfdcIframeOrigin` / `sfdcIFrameOrigin`) and in
// its own shapes, and hands our code only what it decoded (a click-to-dial
// payload). Here the emulated org's stand-in library (fixtures/fake-sforce.js)
// plays that part, so the test checks our side of the contract:
//
// - neither the adapter page nor the element adds a `message` listener of
//   its own to the window (every one comes from the library);
// - a forged click-to-dial from another origin, in the library's exact
//   shape, dials nothing and shows nothing, while the same message from the
//   org dials;
// - messages of wrong shapes from the org's origin do nothing; a
//   click-to-dial payload the library passes on with no usable number is
//   refused with a notice (the agent clicked, so is told why nothing
//   dialled) and dials nothing;
// - after all of it the softphone still works.
import { expect, test, type Page } from '@playwright/test';
import { requestsNamed, resetMock } from './mock';
import { ADAPTER, button, callRows, type Flavour, openOrg, orgOrigin, useOrg } from './org';

useOrg();

test.beforeEach(async ({ request }) => {
  await resetMock(request);
});

/** Records, in the adapter's frames, which script adds a `message`
 *  listener to the window (or sets `onmessage`), by its stack. */
function recordMessageListeners(adapterOrigin: string) {
  if (location.origin !== adapterOrigin) return;
  const seen: string[] = ((window as any).__messageListeners = []);
  const add = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (this: EventTarget, type: string, ...rest: any[]) {
    if (this === window && type === 'message') seen.push(String(new Error().stack));
    return (add as any).call(this, type, ...rest);
  };
  Object.defineProperty(window, 'onmessage', {
    configurable: true,
    set() {
      seen.push(`onmessage\n${new Error().stack}`);
    },
  });
}

/** The library's click-to-dial message, as the org's page posts it. */
function clickToDialMessage(flavour: Flavour, number: string) {
  const response =
    flavour === 'lightning'
      ? { number, recordId: '003FORGED', recordName: 'Mallory', objectType: 'Contact' }
      : { result: JSON.stringify({ number, objectId: '003FORGED', objectName: 'Mallory', object: 'Contact' }) };
  return { fakeSforce: true, kind: 'event', name: 'onClickToDial', response };
}

/** Posts `messages` to the adapter frame from a page of another origin
 *  framed beside it in the org's page. */
async function postFromAnotherOrigin(page: Page, messages: unknown[]) {
  const evil = orgOrigin().replace('myorg.my.salesforce.localhost', 'evil.localhost');
  await page.evaluate((src) => {
    const frame = document.createElement('iframe');
    frame.name = 'evil';
    frame.src = src;
    document.body.append(frame);
    return new Promise((resolve) => frame.addEventListener('load', resolve));
  }, `${evil}/not-salesforce`);
  const frame = page.frame({ name: 'evil' });
  expect(frame, 'the other origin frame').toBeTruthy();
  await frame!.evaluate((all) => {
    for (const message of all) window.parent.frames[0].postMessage(message, '*');
  }, messages);
}

/** Posts `messages` to the adapter frame from the org's own page. */
async function postFromTheOrg(page: Page, messages: unknown[]) {
  await page.evaluate(
    ({ all, target }) => {
      const frame = document.getElementById('softphone') as HTMLIFrameElement;
      for (const message of all) frame.contentWindow!.postMessage(message, target);
    },
    { all: messages, target: new URL(ADAPTER).origin },
  );
}

for (const flavour of ['lightning', 'classic'] as Flavour[]) {
  test(`${flavour}: forged messages reach only Salesforce's library, which drops them; the softphone still works`, async ({
    page,
    request,
  }) => {
    await page.addInitScript(recordMessageListeners, new URL(ADAPTER).origin);
    const phone = await openOrg(page, flavour);
    const softphone = page.frame({ url: (url) => url.href.startsWith(ADAPTER) });
    expect(softphone, 'the adapter frame').toBeTruthy();
    const listeners: string[] = await softphone!.evaluate(() => (window as any).__messageListeners);
    expect(listeners.length, 'the library listens').toBeGreaterThan(0);
    for (const stack of listeners) {
      // Salesforce's library is served by the org (/support/api/…); our scripts by the adapter's origin.
      expect(stack, 'a message listener outside the library').toContain(`${orgOrigin()}/support/api/`);
      expect(stack, 'a message listener of ours').not.toContain(new URL(ADAPTER).origin);
    }

    // Another origin, in the library's exact shape: nothing.
    await postFromAnotherOrigin(page, [clickToDialMessage(flavour, '4155550100')]);
    // From the org, wrong shapes: nothing either.
    await postFromTheOrg(page, [
      null,
      'onClickToDial',
      42,
      [],
      {},
      { fakeSforce: true },
      { fakeSforce: 'true', kind: 'event', name: 'onClickToDial', response: clickToDialMessage(flavour, '4155550101').response },
      { fakeSforce: true, kind: 'event', name: 'onSomethingElse', response: { number: '4155550102' } },
      { fakeSforce: true, kind: 'reply', id: 987654, response: { success: true } },
      { fakeSforce: true, kind: 'call', method: 'saveLog', args: {} },
    ]);
    await page.waitForTimeout(1_000);
    expect(await requestsNamed(request, 'makecall')).toHaveLength(0);
    await expect(phone.getByRole('alert')).toBeHidden();
    await expect(callRows(phone)).toHaveText(['No call']);

    // A payload the library passes on without a usable number: refused and said, never dialled.
    const empty =
      flavour === 'lightning'
        ? { number: { nested: [[['4155550103']]] }, recordId: 7 }
        : { result: '{"number": ' };
    await postFromTheOrg(page, [{ fakeSforce: true, kind: 'event', name: 'onClickToDial', response: empty }]);
    await expect(phone.getByRole('alert')).toContainText('Click-to-dial failed');
    expect(await requestsNamed(request, 'makecall')).toHaveLength(0);

    // The org's own click still dials: the forged one above had the right shape.
    await postFromTheOrg(page, [clickToDialMessage(flavour, '4155550100')]);
    await expect.poll(() => requestsNamed(request, 'makecall')).toHaveLength(1);
    await expect(callRows(phone)).toHaveText([/Connected/]);
    await button(phone, 'Hang up').click();
    await expect(callRows(phone)).toHaveText(['No call']);
  });
}
