import { describeErrorCatalogue } from '@tollgate/testkit';
import * as convert from './types';

describe('@tollgate/ai convert error catalogue', () => {
  describeErrorCatalogue(convert);
});
