export function injectAppShellManifest(dir: string): Promise<{ count: number; size: number }>;
