/** Junction's AuthorizationInput → the form parameters of POST /v1/payment_intents. */
import type { AuthorizationInput } from '../../../spi';
import type { FormValue } from '../stripe-form';

/** The metadata key that carries the business reference; toPayment reads it back. */
export const REFERENCE_METADATA_KEY = 'reference';

export function toPaymentIntentParams(input: AuthorizationInput): Record<string, FormValue> {
  return {
    amount: input.amount.amount,
    currency: input.amount.currency.toLowerCase(),
    payment_method: input.paymentMethodToken,
    // Authorize now, capture later (capture / voidAuthorization).
    capture_method: 'manual',
    confirm: true,
    // No customer is present to complete 3-D Secure or a redirect: fail with a 402 card_error
    // instead of leaving the intent in requires_action. With API 2023-08-16 automatic payment
    // methods are on by default, and confirming them server-side needs redirects switched off.
    error_on_requires_action: true,
    automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    description: input.description,
    metadata: { [REFERENCE_METADATA_KEY]: input.customerReference },
  };
}
