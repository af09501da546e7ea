/** Who did something, as the audit log records it: a user, an API key or the command line. */
export interface Actor {
  kind: 'user' | 'api_key' | 'cli';
  id: string | null;
  label: string;
}
