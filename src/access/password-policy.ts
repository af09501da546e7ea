/** The password policy: at least this many characters (long passphrases beat rules on symbols). */
export const MIN_PASSWORD_LENGTH = 10;
