import bcrypt from 'bcryptjs';

/** bcrypt with cost 10: a proper adaptive password hash, pure JavaScript (no native build). */
const COST = 10;

export const hashPassword = (password: string): Promise<string> => bcrypt.hash(password, COST);

export const verifyPassword = (password: string, hash: string): Promise<boolean> => bcrypt.compare(password, hash);

/** Compared against when the username is unknown, so a wrong username costs as much time as a wrong password. */
export const DUMMY_HASH = '$2b$10$CwTycUXWue0Thq9StjUM0uJ8.Y1Nc4s5HvA3VbJtB2w2sJ4l9kE9e';
