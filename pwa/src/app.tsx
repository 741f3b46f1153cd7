import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Account } from './features/auth/Account';
import { SignIn } from './features/auth/SignIn';
import { ActionSteps, Inbox } from './features/feedback/Inbox';
import { MyObservations } from './features/record/MyObservations';
import { SchoolRoster } from './features/roster/SchoolRoster';
import { TeamRoster } from './features/roster/TeamRoster';
import { linkClick, match, navigate, usePath } from './router';
import { applyUpdate, onUpdateReady } from './sw-bridge';
import { getStatus, subscribe } from './sync/status';
import type { Me } from './types';
import { StatusBar } from './ui/StatusBar';
import { useMe, useStatus } from './ui/hooks';

/** Load a view's code on first use, so the first screen ships only what it shows. */
function lazy<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  return function Lazy(props: P) {
    const [, setReady] = useState(!!loaded);
    useEffect(() => {
      if (!loaded) void load().then((m) => { loaded = m.default; setReady(true); });
    }, []);
    return loaded ? <LoadedView view={loaded} props={props} /> : <p class="muted">Loading…</p>;
  };
}

function LoadedView<P extends object>({ view: View, props }: { view: ComponentType<P>; props: P }) {
  return <View {...props} />;
}

const Record = lazy(() => import('./features/record/Record'));
const Detail = lazy(() => import('./features/feedback/Detail'));

const leads = (me: Me) => me.teams.some((t) => t.leader_ids.includes(me.id));
const isAdmin = (me: Me) => me.roles.includes('admin') || me.roles.includes('district_admin');
const isTeacher = (me: Me) => me.teams.some((t) => t.member_ids.includes(me.id));

function home(me: Me): string {
  if (leads(me)) return '/team';
  if (isTeacher(me)) return '/feedback';
  if (isAdmin(me)) return '/school';
  return '/account';
}

function tabs(me: Me): [string, string][] {
  const list: [string, string][] = [];
  if (leads(me)) list.push(['/team', 'Team'], ['/mine', 'Observations']);
  if (isTeacher(me)) list.push(['/feedback', 'Feedback'], ['/steps', 'Steps']);
  if (isAdmin(me)) list.push(['/school', 'School']);
  list.push(['/account', 'Me']);
  return list;
}

function View({ me, path }: { me: Me; path: string }) {
  let p: Record<string, string> | null;
  if ((p = match('/observe/:educator/:cadence', path))) {
    return <Record me={me} educatorId={p['educator']} cadence={p['cadence'] === 'weekly' ? 'weekly' : 'daily'} />;
  }
  if ((p = match('/observation/:id', path))) return <Record me={me} id={p['id']} />;
  if ((p = match('/feedback/:id', path))) return <Detail me={me} id={p['id']!} />;
  switch (path) {
    case '/team': return <TeamRoster me={me} />;
    case '/mine': return <MyObservations me={me} />;
    case '/feedback': return <Inbox me={me} />;
    case '/steps': return <ActionSteps me={me} />;
    case '/school': return <SchoolRoster me={me} />;
    case '/account': return <Account me={me} />;
    default: return null;
  }
}

function UpdateBanner() {
  const [ready, setReady] = useState(false);
  const [waitingForSync, setWaitingForSync] = useState(false);
  useEffect(() => onUpdateReady(setReady), []);
  if (!ready) return null;
  const update = () => {
    // Never switch versions in the middle of a sync: wait for it to finish first.
    if (!getStatus().syncing) return applyUpdate();
    setWaitingForSync(true);
    const off = subscribe((s) => {
      if (!s.syncing) {
        off();
        applyUpdate();
      }
    });
  };
  return (
    <div class="banner" role="region" aria-label="Update" data-testid="update-banner">
      <span>A new version of Cadence is ready.</span>
      <button type="button" onClick={update} disabled={waitingForSync}>{waitingForSync ? 'After this sync…' : 'Update'}</button>
    </div>
  );
}

export function App() {
  const me = useMe();
  const path = usePath();
  const status = useStatus();
  const [lastMe, setLastMe] = useState<Me | null>(me);
  useEffect(() => { if (me) setLastMe(me); }, [me]);
  useEffect(() => {
    if (me && (path === '/' || path === '/signin')) navigate(home(me), true);
  }, [me, path]);

  const recording = path.startsWith('/observe') || path.startsWith('/observation/');
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header>
        <StatusBar />
        <UpdateBanner />
      </header>
      <main id="main" class={recording ? 'recording' : ''}>
        {me && status.authRequired && (
          <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="signin-title">
            <SignIn again={{ email: me.email, name: me.name }} />
          </div>
        )}
        {me ? <View me={me} path={path} /> : <SignIn again={undefined} key={lastMe?.id ?? 'new'} />}
      </main>
      {me && !recording && (
        <nav aria-label="Main">
          {tabs(me).map(([href, label]) => (
            <a key={href} href={href} aria-current={path.startsWith(href) ? 'page' : undefined}
              onClick={(e) => linkClick(e, href)}>{label}</a>
          ))}
        </nav>
      )}
    </>
  );
}
