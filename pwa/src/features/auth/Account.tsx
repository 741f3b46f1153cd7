import { useEffect, useState } from 'preact/hooks';
import { navigate } from '../../router';
import { signOut, unsyncedCount } from '../../session';
import type { Me } from '../../types';
import { plural, stageLabel } from '../../ui/format';

interface InstallEvent extends Event { prompt(): Promise<void> }

let installEvent: InstallEvent | null = null;
const installListeners = new Set<() => void>();
window.addEventListener('beforeinstallprompt', (event) => {
  event.preventDefault(); // offer it from this screen instead of the browser's banner
  installEvent = event as InstallEvent;
  for (const listener of installListeners) listener();
});

const isIos = /iphone|ipad|ipod/i.test(navigator.userAgent);
const standalone = () => window.matchMedia('(display-mode: standalone)').matches
  || (navigator as Navigator & { standalone?: boolean }).standalone === true;

/** The person, installing the app, storage, and signing out (with a warning when changes wait). */
export function Account({ me }: { me: Me }) {
  const [canInstall, setCanInstall] = useState(!!installEvent);
  const [waiting, setWaiting] = useState<number | null>(null);
  const [persisted, setPersisted] = useState<boolean | null>(null);
  useEffect(() => {
    const update = () => setCanInstall(!!installEvent);
    installListeners.add(update);
    void navigator.storage?.persisted?.().then(setPersisted);
    return () => { installListeners.delete(update); };
  }, []);

  const install = async () => {
    await installEvent?.prompt();
    installEvent = null;
    setCanInstall(false);
  };
  const askSignOut = async () => {
    const count = await unsyncedCount();
    if (count > 0 && waiting === null) {
      setWaiting(count);
      return;
    }
    await signOut();
    navigate('/', true);
  };

  return (
    <section>
      <h1>{me.name}</h1>
      <p class="muted">{me.email}{me.career_stage ? ` · ${stageLabel(me.career_stage)}` : ''}</p>
      {canInstall && <button type="button" class="wide" onClick={() => void install()}>Install Cadence on this device</button>}
      {!canInstall && isIos && !standalone() && (
        <p class="note">To install on iPhone or iPad: tap Share, then “Add to Home Screen”.</p>
      )}
      {persisted !== null && (
        <p class="muted">{persisted ? 'Storage on this device is kept by the browser.' : 'The browser may clear this app’s storage when space runs low; sync often.'}</p>
      )}
      {waiting !== null && waiting > 0 && (
        <p class="attention-box" role="alert" data-testid="signout-warning">
          {plural(waiting, 'change')} on this device have not synced yet. They stay here, and sync when {me.name} signs in again.
        </p>
      )}
      <div class="bottom-bar">
        <button type="button" class={waiting ? 'danger' : ''} onClick={() => void askSignOut()}>
          {waiting ? 'Sign out anyway' : 'Sign out'}
        </button>
      </div>
    </section>
  );
}
