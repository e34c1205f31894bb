import { expect } from 'chai';
import { AppError } from '../../server/errors/app-error';

/** The AppError `run` throws; fails the test when it throws nothing or something else. */
export function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(AppError);
    return error as AppError;
  }
  expect.fail('expected an AppError');
}
