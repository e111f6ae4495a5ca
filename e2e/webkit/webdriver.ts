// WebKit (Safari's engine) driven here: Debian's `WebKitWebDriver` (webkit2gtk-driver) and its
// MiniBrowser, over plain WebDriver classic HTTP calls (WebKitGTK has no BiDi, and Playwright
// cannot drive a stock WebKitGTK). There is no headless mode: run under `xvfb-run -a`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { freePort } from '../fixtures/janus-launcher.js';

/** Debian's MiniBrowser (its folder names the architecture), or `WEBKIT_MINIBROWSER_PATH`. */
export function miniBrowserPath(): string {
  const given = process.env.WEBKIT_MINIBROWSER_PATH;
  if (given) return given;
  for (const arch of existsSync('/usr/lib') ? readdirSync('/usr/lib') : []) {
    const candidate = `/usr/lib/${arch}/webkit2gtk-4.1/MiniBrowser`;
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('no MiniBrowser found: install webkit2gtk-driver (scripts/setup-system.sh) or set WEBKIT_MINIBROWSER_PATH');
}

export class WebDriverError extends Error {}

/** One browser session: windows, navigation and scripts, each one WebDriver command. */
export class WebKitSession {
  private constructor(private readonly base: string, private readonly driver: ChildProcess) {}

  /** Starts `WebKitWebDriver` on a free port and a MiniBrowser session in it. */
  static async start(): Promise<WebKitSession> {
    const port = await freePort();
    const driver = spawn(process.env.WEBKIT_WEBDRIVER_PATH ?? 'WebKitWebDriver', [`--port=${port}`], { stdio: 'ignore' });
    const root = `http://127.0.0.1:${port}`;
    for (let tries = 0; ; tries++) {
      const ready = await fetch(`${root}/status`).then((r) => r.ok, () => false);
      if (ready) break;
      if (tries > 100 || driver.exitCode !== null) {
        driver.kill();
        throw new WebDriverError('WebKitWebDriver did not start');
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const created = await command(root, 'POST', '/session', { capabilities: { alwaysMatch: {
      browserName: 'MiniBrowser',
      // Without --automation the browser never answers the driver.
      'webkitgtk:browserOptions': { binary: miniBrowserPath(), args: ['--automation'] },
    } } }).catch((error) => {
      driver.kill();
      throw error;
    });
    const session = new WebKitSession(`${root}/session/${(created as { sessionId: string }).sessionId}`, driver);
    await session.send('POST', '/timeouts', { script: 30_000, pageLoad: 30_000 });
    return session;
  }

  send(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    return command(this.base, method, path, body);
  }

  async goto(url: string): Promise<void> {
    await this.send('POST', '/url', { url });
  }

  async refresh(): Promise<void> {
    await this.send('POST', '/refresh', {});
  }

  async back(): Promise<void> {
    await this.send('POST', '/back', {});
  }

  /**
   * Runs `body` (the source of an async function's body, `args` its `args`) in the current window;
   * resolves with what it returns (JSON), rejects with what it throws.
   */
  async run<T = unknown>(body: string, ...args: unknown[]): Promise<T> {
    const script = `const done = arguments[arguments.length - 1];
      (async (args) => { ${body} })(Array.from(arguments).slice(0, -1)).then(
        (value) => done({ value: value === undefined ? null : value }),
        (error) => done({ error: String(error && error.name) + ': ' + String(error && error.message) }));`;
    const answer = await this.send('POST', '/execute/async', { script, args }) as { value?: T; error?: string };
    if (answer.error !== undefined) throw new WebDriverError(`in the page: ${answer.error}`);
    return answer.value as T;
  }

  /** Polls `body` until it returns true (or throws after `timeoutMs`). */
  async waitFor(body: string, timeoutMs = 10_000, ...args: unknown[]): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (await this.run<boolean>(body, ...args).catch(() => false)) return;
      if (Date.now() > until) throw new WebDriverError(`timed out after ${timeoutMs} ms waiting for: ${body}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The current window's handle. */
  async window(): Promise<string> {
    return await this.send('GET', '/window') as string;
  }

  /** A new window (a second tab would be `hidden`), made current. */
  async newWindow(): Promise<string> {
    const { handle } = await this.send('POST', '/window/new', { type: 'window' }) as { handle: string };
    await this.switchTo(handle);
    return handle;
  }

  async switchTo(handle: string): Promise<void> {
    await this.send('POST', '/window', { handle });
  }

  /** Closes the current window; switch to another one before the next command. */
  async closeWindow(): Promise<void> {
    await this.send('DELETE', '/window');
  }

  async close(): Promise<void> {
    await this.send('DELETE', '').catch(() => {});
    if (this.driver.exitCode === null) {
      const exited = new Promise((resolve) => this.driver.once('exit', resolve));
      this.driver.kill();
      await exited;
    }
  }
}

async function command(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const { value } = await response.json() as { value: unknown };
  if (!response.ok) {
    const { error, message } = value as { error?: string; message?: string };
    throw new WebDriverError(`WebDriver ${method} ${path}: ${error}: ${message}`);
  }
  return value;
}
