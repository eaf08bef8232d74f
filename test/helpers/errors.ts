// The UserError a promise rejects with, or a function throws (any other error is rethrown; no error fails the test).
import { UserError } from '../../src/diagnostics.js';

export async function userErrorOf(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

export function userErrorThrownBy(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}
