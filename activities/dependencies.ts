import type { Settings } from '../config/settings';
import type { BrowserProvider } from '../platform/browser';
import type { Database } from '../platform/database';
import type { SecretBox } from '../platform/encryption';

/** Injected into every activity factory (the samples-typescript dependency-injection pattern). */
export interface ActivityDependencies {
  settings: Settings;
  db: Database;
  secrets: SecretBox;
  /** The worker process's Chromium (launched lazily: only browser activities touch it). */
  browsers: BrowserProvider;
}
