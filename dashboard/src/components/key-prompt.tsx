/** Asks for the admin key when the admin API refuses the page (401), or explains why it cannot help (403). */
import { useState } from 'preact/hooks';

export interface KeyPromptProps {
  message: string;
  /** False when a key cannot help (the server has no admin key configured). */
  canRetry: boolean;
  onKey: (key: string) => void;
}

export function KeyPrompt(props: KeyPromptProps) {
  const [key, setKey] = useState('');
  return (
    <div class="key-prompt card" data-testid="key-prompt">
      <h2>Admin key needed</h2>
      <p class="muted">{props.message}</p>
      {props.canRetry ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (key.trim() !== '') props.onKey(key.trim());
          }}
        >
          <label>
            server.admin_key
            {/* biome-ignore lint/a11y/noAutofocus: the key prompt is the only control on the page until a key is given */}
            <input type="password" autoComplete="off" value={key} onInput={(e) => setKey(e.currentTarget.value)} data-testid="key-input" autoFocus />
          </label>
          <button type="submit">Open dashboard</button>
          <p class="muted small">Kept in this tab's session storage only.</p>
        </form>
      ) : null}
    </div>
  );
}
