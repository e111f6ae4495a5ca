// Chromium DevTools Protocol reads for the scale scenario: the keeper SharedWorker's JS heap
// (Runtime.getHeapUsage after a forced GC, through a non-flattened target session, which
// Playwright's browser CDP session supports) and the CPU time of every browser process
// (SystemInfo.getProcessInfo), to charge work to the events that caused it.
import type { Browser, CDPSession } from '@playwright/test';

export interface WorkerProbe {
  /** JS heap used by the keeper worker after a full GC, bytes. */
  heapUsed(): Promise<number>;
  /** CPU seconds used so far by all of Chromium's processes (browser, renderers, workers, GPU). */
  browserCpuSeconds(): Promise<number>;
  close(): Promise<void>;
}

export async function probeSharedWorker(browser: Browser, urlPart: string): Promise<WorkerProbe> {
  const cdp: CDPSession = await browser.newBrowserCDPSession();
  const { targetInfos } = await cdp.send('Target.getTargets') as { targetInfos: { targetId: string; type: string; url: string }[] };
  const target = targetInfos.find((info) => info.type === 'shared_worker' && info.url.includes(urlPart));
  if (!target) throw new Error(`no shared worker target with ${urlPart} in its URL`);
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false }) as { sessionId: string };
  let nextId = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  const onMessage = ({ sessionId: from, message }: { sessionId: string; message: string }) => {
    if (from !== sessionId) return;
    const reply = JSON.parse(message) as { id?: number; result?: unknown; error?: unknown };
    if (reply.id !== undefined) waiting.get(reply.id)?.(reply.error ? Promise.reject(new Error(JSON.stringify(reply.error))) : reply.result);
    if (reply.id !== undefined) waiting.delete(reply.id);
  };
  cdp.on('Target.receivedMessageFromTarget', onMessage);
  const inWorker = (method: string, params: object = {}) => new Promise<unknown>((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
  });
  return {
    async heapUsed() {
      await inWorker('HeapProfiler.collectGarbage');
      const { usedSize } = await inWorker('Runtime.getHeapUsage') as { usedSize: number };
      return usedSize;
    },
    async browserCpuSeconds() {
      const { processInfo } = await cdp.send('SystemInfo.getProcessInfo') as { processInfo: { cpuTime: number }[] };
      return processInfo.reduce((sum, info) => sum + info.cpuTime, 0);
    },
    async close() {
      cdp.off('Target.receivedMessageFromTarget', onMessage);
      await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
      await cdp.detach();
    },
  };
}
