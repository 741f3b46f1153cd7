import { useState } from 'preact/hooks';
import { signIn, signInError } from '../../session';
import { plural } from '../../ui/format';
import { useStatus } from '../../ui/hooks';

interface Props {
  /** Set when a session ended under the person: their email, and the changes kept for them. */
  again?: { email: string; name: string };
}

export function SignIn({ again }: Props) {
  const [email, setEmail] = useState(again?.email ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const status = useStatus();

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email, password);
    } catch (err) {
      setError(signInError(err));
    } finally {
      setBusy(false);
    }
  };

  const waiting = status.pending + status.attention;
  return (
    <form class="signin" onSubmit={submit} aria-labelledby="signin-title">
      <h1 id="signin-title">{again ? 'Sign in again' : 'Sign in to Cadence'}</h1>
      {again ? (
        <p class="note" data-testid="session-ended">
          Your session ended, {again.name}. {waiting > 0 ? `${plural(waiting, 'change')} stay safe on this device and sync once you sign in.` : 'Nothing on this device is lost.'}
        </p>
      ) : (
        <p class="note">Coaching notes that work in any classroom, with or without a connection.</p>
      )}
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autoComplete="username" required value={email}
        onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autoComplete="current-password" required value={password}
        onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </div>
    </form>
  );
}
