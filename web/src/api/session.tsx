import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import type { AcceptBody, Me } from '../../../src/api/access-schemas.ts';
import { type Formatter, makeFormatter } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ApiError, api, setCsrfToken } from './client.ts';

// The server's own schemas give the shapes: web never re-declares them.
export type { Me } from '../../../src/api/access-schemas.ts';

interface Session {
  me: Me;
  fmt: Formatter;
  /** Whether the role may change data (operators and admins). */
  canWrite: boolean;
  isAdmin: boolean;
  switchWorkspace: (name: string) => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);
const ME_KEY = ['me'];

// The session cookie is HttpOnly; this flag only spares a first visit a 401 from /auth/me.
const SIGNED_IN = 'retain.signedIn';

const fetchMe = async (): Promise<Me | null> => {
  if (!window.localStorage.getItem(SIGNED_IN)) return null;
  try {
    const me = await api<Me>('GET', '/auth/me');
    setCsrfToken(me.csrf_token);
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      window.localStorage.removeItem(SIGNED_IN);
      return null;
    }
    throw error;
  }
};

/** Signs in; the session cookie is set by the answer. */
export function useLogin() {
  return useSignIn((input: { email: string; password: string }) => api<Me>('POST', '/auth/login', input));
}

/** Accepts an invitation; the answer signs in to the workspace joined, like a login. */
export function useAcceptInvitation() {
  return useSignIn((input: AcceptBody) => api<Me>('POST', '/invitations/accept', input));
}

function useSignIn<T>(call: (input: T) => Promise<Me>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (me) => {
      window.localStorage.setItem(SIGNED_IN, '1');
      setCsrfToken(me.csrf_token);
      // Whatever was on screen belonged to the previous session, if any.
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      client.setQueryData(ME_KEY, me);
    },
  });
}

/** Renders `signedOut` until someone signs in, then `children` with the session. */
export function SessionGate({ signedOut, children }: { signedOut: ReactNode; children: ReactNode }) {
  const client = useQueryClient();
  const { lang } = useI18n();
  const me = useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: Number.POSITIVE_INFINITY });
  const session = useMemo<Session | null>(() => {
    if (!me.data) return null;
    const data = me.data;
    return {
      me: data,
      fmt: makeFormatter(lang, data.workspace.currency, data.workspace.timezone),
      canWrite: data.role === 'admin' || data.role === 'operator',
      isAdmin: data.role === 'admin',
      switchWorkspace: async (name) => {
        const next = await api<Me>('POST', '/auth/workspace', { workspace: name });
        setCsrfToken(next.csrf_token);
        // Everything on screen belonged to the previous workspace.
        client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
        client.setQueryData(ME_KEY, next);
      },
      logout: async () => {
        // Leave the pages first and let their requests in flight finish, so none of them meets the
        // closed session (a 401 the browser would log).
        client.setQueryData(ME_KEY, null);
        for (let i = 0; i < 100 && client.isFetching() > 0; i++) await new Promise((r) => setTimeout(r, 50));
        client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
        window.localStorage.removeItem(SIGNED_IN);
        await api('POST', '/auth/logout');
        setCsrfToken(null);
      },
    };
  }, [me.data, lang, client]);
  if (me.isPending) return null;
  if (!session) return <>{signedOut}</>;
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The signed-in session (inside {@link SessionGate}). */
export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionGate');
  return value;
}
