import { createContext, useContext } from 'react';
import type { SourceState } from '../pipeline/events.js';

/**
 * Colours in one place. NO_COLOR (https://no-color.org) turns every colour off; the symbols
 * (▶ ✔ ✖ ⏱ ⊘) still tell the states apart, which also helps on washed-out projectors.
 */
export interface Theme {
  state: Record<SourceState, string | undefined>;
  accent?: string;
  warn?: string;
  muted?: string;
  /** Faint text and reverse video for the selected row are attributes, not colours, but a
   * NO_COLOR terminal may be one that renders them badly: off as well. */
  faint: boolean;
  inverse: boolean;
}

export const colorTheme: Theme = {
  state: { queued: 'gray', running: 'cyan', done: 'green', failed: 'red', 'timed-out': 'yellow', cancelled: 'magenta' },
  accent: 'cyan',
  warn: 'yellow',
  muted: 'gray',
  faint: true,
  inverse: true,
};

const plainTheme: Theme = {
  state: { queued: undefined, running: undefined, done: undefined, failed: undefined, 'timed-out': undefined, cancelled: undefined },
  faint: false,
  inverse: false,
};

/** NO_COLOR counts when it is set to anything but the empty string. */
export const themeFor = (env: NodeJS.ProcessEnv = process.env): Theme => (env.NO_COLOR ? plainTheme : colorTheme);

export const ThemeContext = createContext<Theme>(colorTheme);
export const useTheme = () => useContext(ThemeContext);
