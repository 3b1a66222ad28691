-- Payment tokens are kept only while a charge may still be made (orders_store.cpp empties the
-- column when an order moves past charging); forget those of orders already past it.
UPDATE orders SET payment_token = ''
 WHERE stage NOT IN ('placed', 'reserved', 'charging') AND payment_token <> '';
