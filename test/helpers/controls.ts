/**
 * A character a terminal acts on instead of showing: every C0 and C1 control but newline and tab
 * (ESC starts escape sequences, BEL rings, CR overwrites a line), and the right-to-left override
 * that reorders what follows. Untrusted text must reach the screen without any of them.
 * Written with \p{Cc} so that the pattern holds no control character itself.
 */
export const RAW_CONTROL = /[^\P{Cc}\t\n]|\u202e/u;
