import { useCallback, useEffect, useState } from 'react';

/** A short message for the footer ("orders is not running") that goes away by itself. */
export function useFlashMessage(ms = 3000): [string | undefined, (text: string) => void] {
  const [message, setMessage] = useState<{ text: string; id: number }>();
  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(() => setMessage(undefined), ms);
    return () => clearTimeout(timer);
  }, [message, ms]);
  const say = useCallback((text: string) => setMessage((m) => ({ text, id: (m?.id ?? 0) + 1 })), []);
  return [message?.text, say];
}
