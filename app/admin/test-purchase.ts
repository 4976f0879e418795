/** The buyer and address a test purchase uses (shared by the server and the page, which names them). */

export const SAMPLE_BUYER = {
  first_name: "Test",
  last_name: "Buyer",
  email: "test-buyer@example.com",
  phone_number: "+15555550100",
};

export const SAMPLE_ADDRESS = {
  name: "Test Buyer",
  line_one: "1 Infinite Loop",
  city: "Cupertino",
  state: "CA",
  country: "US",
  postal_code: "95014",
};
