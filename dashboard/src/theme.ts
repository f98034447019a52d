/**
 * Light or dark: follows prefers-color-scheme until the user picks one with the toggle, then remembers
 * the pick (localStorage: a display preference, not a secret).
 */
import { useEffect, useState } from 'preact/hooks';

export type Theme = 'light' | 'dark';
const STORAGE = 'tandem.theme';

function systemTheme(): Theme {
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function useTheme(): [Theme, () => void] {
  const [picked, setPicked] = useState<Theme | null>(() => {
    const stored = localStorage.getItem(STORAGE);
    return stored === 'light' || stored === 'dark' ? stored : null;
  });
  const [system, setSystem] = useState<Theme>(systemTheme);
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = (): void => setSystem(systemTheme());
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);
  const theme = picked ?? system;
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const toggle = (): void => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem(STORAGE, next);
    setPicked(next);
  };
  return [theme, toggle];
}
