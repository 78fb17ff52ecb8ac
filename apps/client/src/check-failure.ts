/** Why a check failed, worded for the report line. */
export class CheckFailure extends Error {
  override name = 'CheckFailure'
}
